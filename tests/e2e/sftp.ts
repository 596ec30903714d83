// OpenSSH's sftp in batch mode against the local endpoint, as a partner would log in with a password.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SFTP_PORT = Number(process.env.E2E_SFTP_PORT ?? 2310);

export function sftp(user: string, password: string, commands: string[]): { code: number; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-sftp-'));
  const batch = path.join(dir, 'batch');
  writeFileSync(batch, `${commands.join('\n')}\n`);
  try {
    const result = spawnSync(
      'sshpass',
      [
        '-e',
        'sftp',
        '-oBatchMode=no',
        '-oPubkeyAuthentication=no',
        '-oPreferredAuthentications=password',
        '-oNumberOfPasswordPrompts=1',
        '-oStrictHostKeyChecking=no',
        '-oUserKnownHostsFile=/dev/null',
        '-P',
        String(SFTP_PORT),
        '-b',
        batch,
        `${user}@127.0.0.1`,
      ],
      { env: { ...process.env, SSHPASS: password }, encoding: 'utf8', timeout: 30_000 },
    );
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
