// The bulk file formats and the retry helpers: one case per rule.
import { describe, expect, it } from 'vitest';
import {
  BulkFileError,
  bulkUserToForm,
  CSV_COLUMNS,
  parseBulkFile,
  parseCsv,
  parseJson,
  TEMPLATE_USERS,
  templateCsv,
  writeCsv,
  writeJson,
} from '@/lib/console/bulk/format';
import { assessPosture } from '@/lib/console/bulk/posture';
import { forEachBounded, isRetryable, withBackoff } from '@/lib/console/bulk/retry';
import { recogniseFunction } from '@/lib/console/bulk/upgrade';
import { RSA_1024 } from '../fixtures/keys';

const header = CSV_COLUMNS.join(',');

describe('reading a CSV', () => {
  it('numbers rows by the line they start on, a quoted multi-line cell included', () => {
    const rows = parseCsv(
      `${header}\nann,,generate,,,r,1,1,,,/fs-1/home/ann,,,,\nbob,,none,,"ssh-ed25519 AAAA a\nssh-ed25519 AAAA b",r,2,2,,,/fs-1/home/bob,,,,\ncid,,generate,,,r,3,3,,,/fs-1/home/cid,,,,\n`,
    );
    expect(rows.map((r) => [r.row, r.user.username])).toEqual([
      [2, 'ann'],
      [3, 'bob'],
      [5, 'cid'],
    ]);
    expect(rows[1]!.user.publicKeys).toHaveLength(2);
  });

  it('refuses an unknown column, a missing required one and a ragged row, naming them', () => {
    expect(() => parseCsv(`${header},colour\n`)).toThrow(/Unknown column colour/);
    expect(() => parseCsv('username,role\nann,r\n')).toThrow(/Missing columns password, home/);
    expect(() => parseCsv(`${header}\nann,generate\n`)).toThrow(BulkFileError);
    expect(() => parseCsv(`${header}\nann,,generate,,x"secret,r,1,1,,,/fs-1/a,,,,\n`)).toThrow(/line 2/);
    expect(() => parseCsv(`${header}\nann,,generate,,x"secret,r,1,1,,,/fs-1/a,,,,\n`)).not.toThrow(/secret/);
  });

  it('reads mappings, lists and a formula-escaped cell', () => {
    const [row] = parseCsv(`${header}\nann,,generate,FTPS;SFTP,,r,1,1,5;6,,"/in=/fs-1/a;/out=/fs-1/b",10.0.0.0/8;192.0.2.1,,,\n`);
    expect(row!.user).toMatchObject({
      homeType: 'mappings',
      mappings: [
        { entry: '/in', target: '/fs-1/a' },
        { entry: '/out', target: '/fs-1/b' },
      ],
      secondaryGids: ['5', '6'],
      allowedNetworks: ['10.0.0.0/8', '192.0.2.1'],
      protocolPasswords: ['FTPS', 'SFTP'],
    });
    expect(parseCsv(writeCsv([{ ...TEMPLATE_USERS[0]!, policy: '=cmd' }]))[0]!.user.policy).toBe('=cmd');
  });

  it('refuses an empty file and a file with a header only', () => {
    expect(() => parseBulkFile('a.csv', '')).toThrow(/empty/);
    expect(() => parseBulkFile('a.csv', `${header}\n`)).toThrow(/no users/);
  });
});

describe('the row as the form', () => {
  it('never imports a password: only generate or none', () => {
    const refused = bulkUserToForm({ ...TEMPLATE_USERS[0]!, password: 'hunter2' }).errors.password?.[0];
    expect(refused).toMatch(/not a password mode/);
    expect(refused).not.toContain('hunter2');
  });

  it('checks the sign-in methods against the row', () => {
    expect(bulkUserToForm({ ...TEMPLATE_USERS[0]!, signInMethods: ['keys'] }).errors).toMatchObject({
      password: [expect.stringMatching(/does not list password/)],
      public_keys: [expect.stringMatching(/lists keys/)],
    });
    expect(bulkUserToForm({ ...TEMPLATE_USERS[1]!, publicKeys: [], signInMethods: null }).errors.public_keys?.[0]).toMatch(
      /needs at least one SSH key/,
    );
  });

  it('splits a folder into the file system and its path', () => {
    expect(bulkUserToForm(TEMPLATE_USERS[0]!).form).toMatchObject({
      homeMode: 'root',
      rootLocation: 'fs-0123456789abcdef0',
      rootPath: '/home/partner-ann',
    });
  });
});

describe('JSON', () => {
  it('reads what it writes, CSV and JSON alike', () => {
    expect(parseJson(writeJson('s-1', TEMPLATE_USERS)).map((r) => r.user)).toEqual(TEMPLATE_USERS);
    expect(parseCsv(templateCsv()).map((r) => r.user)).toEqual(TEMPLATE_USERS);
  });

  it('says which entry is not an object', () => {
    expect(parseJson('{"users":[1]}')[0]!.errors._row).toEqual(['This entry is not an object.']);
    expect(() => parseJson('{"people":[]}')).toThrow(/export of Transfer Desk/);
  });
});

describe('retries', () => {
  it('retries throttling with growing waits and gives up on other errors at once', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const result = await withBackoff(
      () => (++attempts < 4 ? Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })) : Promise.resolve('ok')),
      { sleep: (ms) => Promise.resolve(void waits.push(ms)), random: () => 1, baseMs: 100 },
    );
    expect(result).toEqual({ value: 'ok', retries: 3 });
    expect(waits).toEqual([100, 200, 400]);
    await expect(withBackoff(() => Promise.reject(Object.assign(new Error('x'), { name: 'ResourceExistsException' })))).rejects.toThrow('x');
    expect(isRetryable(Object.assign(new Error('x'), { name: 'AccessDeniedException' }))).toBe(false);
  });

  it('runs at most the given number at once', async () => {
    let running = 0;
    let most = 0;
    await forEachBounded([...Array(20).keys()], 3, async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    expect(most).toBe(3);
  });
});

describe('posture and the Lambda check', () => {
  it('finds a weak RSA key, a DSA key and plaintext per protocol', () => {
    const posture = assessPosture('s-1', [
      { username: 'u', secret: { Role: 'r', FTPSPassword: 'p', PublicKey: [RSA_1024, 'ssh-dss AAAAB3NzaC1kc3M x'] }, error: null },
    ]);
    expect(posture.categories['weak-keys'][0]!.detail).toBe('RSA key of 1024 bits, DSA key');
    expect(posture.plaintextBySlot).toEqual({ main: 0, SFTP: 0, FTP: 0, FTPS: 1 });
  });

  it('recognises this project’s Lambda by name only', () => {
    expect(recogniseFunction('arn:aws:lambda:us-east-1:1:function:transfer-desk-idp').ours).toBe(true);
    expect(recogniseFunction('arn:aws:lambda:us-east-1:1:function:prod-IdentityProviderFunction-AbC123:live').ours).toBe(true);
    expect(recogniseFunction('arn:aws:lambda:us-east-1:1:function:sftp-secrets-sample').ours).toBe(false);
    expect(recogniseFunction(undefined).ours).toBe(false);
  });
});
