// One sentence per login reason, with its parameters; connection instructions as text.
import { describe, expect, it } from 'vitest';
import { connectionDetails, connectionText, endpointOf } from '@/lib/console/connection';
import { explainLogin } from '@/lib/console/login-reasons';
import { REASON_CODES } from '@/lib/idp/decide-login';

const deny = (reason: string, extra: Partial<Parameters<typeof explainLogin>[0]> = {}) => ({
  decision: 'deny' as const,
  reason,
  protocol: 'SFTP',
  method: 'password' as const,
  sourceIp: '203.0.113.9',
  ...extra,
});

describe('explainLogin', () => {
  it('writes the sentences of the issue', () => {
    expect(explainLogin(deny('WRONG_PASSWORD'))).toBe('Wrong password');
    expect(explainLogin(deny('SOURCE_IP_REFUSED'), { acceptedIpNetworks: ['10.0.0.0/8'] })).toBe(
      'Source 203.0.113.9 is outside the allow-list 10.0.0.0/8',
    );
    expect(explainLogin(deny('USER_DISABLED'), { disabledBy: { actor: 'hal', time: '2026-11-25T09:30:00.000Z' } })).toBe(
      'Disabled by hal on 2026-11-25 09:30 UTC',
    );
    expect(explainLogin(deny('USER_EXPIRED'), { expiresAt: '2026-01-31T00:00:00Z' })).toBe('Expired on 2026-01-31 00:00 UTC');
    expect(explainLogin(deny('PUBLIC_KEY_NOT_ON_FILE', { method: 'publickey' }))).toBe('Key login offered a key that is not on file');
    expect(explainLogin(deny('EMPTY_PASSWORD_NOT_SFTP', { protocol: 'FTP' }))).toBe('FTP logins need a password');
    expect(explainLogin(deny('USER_NOT_FOUND'))).toBe('No such user on this server');
    expect(explainLogin(deny('SECRETS_MANAGER_ERROR', { errorName: 'AccessDeniedException' }))).toBe(
      'Secrets Manager could not be read (AccessDeniedException)',
    );
  });

  it('still answers without the audit trail or the current secret', () => {
    expect(explainLogin(deny('USER_DISABLED'))).toBe('Disabled');
    expect(explainLogin(deny('USER_EXPIRED'))).toBe('Expired');
    expect(explainLogin(deny('SOURCE_IP_REFUSED'))).toBe('Source 203.0.113.9 was outside the allow-list at the time');
  });

  it('has a sentence for every reason the Lambda logs, and one for an unknown reason', () => {
    for (const reason of [...REASON_CODES, 'USER_PENDING_DELETION', 'INTERNAL_ERROR']) expect(explainLogin(deny(reason))).not.toMatch(/Unrecognised/);
    expect(explainLogin(deny('UNKNOWN'))).toMatch(/Unrecognised/);
  });
});

describe('connection instructions', () => {
  const server = {
    serverId: 's-0123456789abcdef0',
    protocols: ['SFTP'],
    localEndpoint: null,
    customHostname: null,
    hostKeyFingerprint: 'SHA256:abc',
  };

  it('uses the custom hostname, else Transfer’s DNS name, else the local endpoint', () => {
    expect(endpointOf(server, 'eu-west-1')).toEqual({ host: 's-0123456789abcdef0.server.transfer.eu-west-1.amazonaws.com', port: 22 });
    expect(endpointOf({ ...server, customHostname: 'sftp.example.com' }, 'eu-west-1')).toEqual({ host: 'sftp.example.com', port: 22 });
    expect(endpointOf({ ...server, localEndpoint: '127.0.0.1:2222' }, 'us-east-1')).toEqual({ host: '127.0.0.1', port: 2222 });
  });

  it('lists the folders and holds a password only when given one', () => {
    const details = connectionDetails(server, 'us-east-1', 'carol', {
      homeDirectoryType: 'LOGICAL',
      homeDirectory: null,
      homeDirectoryMappings: [
        { Entry: '/in', Target: '/fs-1/in' },
        { Entry: '/out', Target: '/fs-1/out' },
      ],
    });
    expect(details.folders).toEqual(['/in', '/out']);
    expect(connectionText(details)).not.toContain('Password');
    const text = connectionText(details, 'One-Time-1');
    expect(text).toContain('Password: One-Time-1');
    expect(text).toContain('Host-key fingerprint: SHA256:abc');
    expect(text).toContain('sftp -P 22 carol@s-0123456789abcdef0.server.transfer.us-east-1.amazonaws.com');
  });
});
