// Finding 10: the bootstrap admin's password is shown once by `npm start` and kept nowhere else.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin, readLocalUsers } from '@/lib/auth/local-users';
import { verifyPassword } from '@/lib/secret/password';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-bootstrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bootstrap admin', () => {
  it('is created once; only the hash reaches the disk, the process title or the arguments', async () => {
    const file = path.join(dir, 'console-users.json');
    const admin = await ensureBootstrapAdmin(file);
    expect(admin?.username).toBe('admin');
    const password = admin!.password;
    for (const name of readdirSync(dir)) expect(readFileSync(path.join(dir, name), 'utf8')).not.toContain(password);
    const [stored] = await readLocalUsers(file);
    expect(await verifyPassword(password, stored!.passwordHash)).toBe(true);
    expect(process.title).not.toContain(password);
    expect(process.argv.join(' ')).not.toContain(password);
    expect(JSON.stringify(process.env)).not.toContain(password);
    expect(await ensureBootstrapAdmin(file)).toBeNull();
  });

  it('is handed to the console process by neither its environment nor its arguments', () => {
    const start = readFileSync(path.join(import.meta.dirname, '../../scripts/start.ts'), 'utf8');
    const spawnCall = start.slice(start.indexOf('spawn('), start.indexOf(');', start.indexOf('spawn(')));
    expect(spawnCall).not.toMatch(/admin|password/i);
    // The environment handed to `next start` is built before the admin exists.
    expect(start.indexOf('const env')).toBeLessThan(start.indexOf('ensureBootstrapAdmin('));
  });
});
