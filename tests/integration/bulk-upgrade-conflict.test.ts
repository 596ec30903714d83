// The plaintext upgrade against a concurrent edit: between its read and its compare-and-swap write
// someone else changes the user. The edit is never overwritten: the upgrade starts the user again
// from the new version, and a user that keeps changing is reported as a conflict and left as it is.
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configureAwsClients } from '@/lib/aws/clients';
import type { Actor } from '@/lib/auth/roles';
import { startUpgrade } from '@/lib/console/bulk/upgrade';
import { verifyPassword } from '@/lib/secret/password';
import { startTestStack, type TestStack } from './local-stack-fixture';

/** Runs while the upgrade hashes a user's plaintext: after its read, before its write. */
const concurrent = vi.hoisted(() => ({ onHash: null as ((password: string) => Promise<void>) | null }));
vi.mock('@/lib/console/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/console/argon2')>();
  return {
    ...actual,
    hashUserPassword: async (password: string) => {
      await concurrent.onHash?.(password);
      return actual.hashUserPassword(password);
    },
  };
});

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const HOME = '/fs-0123456789abcdef0/home';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };
const idOf = (name: string) => `aws/transfer/${SERVER}/${name}`;

let stack: TestStack;
let sm: SecretsManagerClient;

async function stored(name: string): Promise<Record<string, string>> {
  return JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: idOf(name) }))).SecretString!) as Record<string, string>;
}

/** Another admin's edit, written straight to Secrets Manager (it becomes AWSCURRENT). */
async function editElsewhere(name: string, change: Record<string, string>): Promise<void> {
  await sm.send(new PutSecretValueCommand({ SecretId: idOf(name), SecretString: JSON.stringify({ ...(await stored(name)), ...change }) }));
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  configureAwsClients({ ...stack.clientConfig, maxAttempts: 1 });
  sm = new SecretsManagerClient(stack.clientConfig);
  for (const [name, password] of [
    ['conc-once', 'Once-Pass-1'],
    ['conc-always', 'Always-Pass-1'],
  ]) {
    await sm.send(
      new CreateSecretCommand({
        Name: idOf(name!),
        SecretString: JSON.stringify({
          Password: password,
          Role: ROLE,
          PosixProfile: '{"Uid": 2301, "Gid": 2301}',
          HomeDirectory: `${HOME}/${name}`,
        }),
      }),
    );
  }
});
afterAll(async () => {
  concurrent.onHash = null;
  await stack.dispose();
});

describe('the plaintext upgrade against a concurrent edit', () => {
  it('keeps an edit made during the upgrade, and upgrades the password that edit left', async () => {
    let edits = 0;
    concurrent.onHash = async (password) => {
      if (password !== 'Once-Pass-1' || edits++ > 0) return;
      await editElsewhere('conc-once', { Password: 'Once-Pass-2', HomeDirectory: `${HOME}/moved` });
    };
    const job = await (await startUpgrade(SERVER, ['conc-once'], admin)).done;
    expect(edits).toBe(1);
    expect(job.results).toEqual([{ username: 'conc-once', status: 'upgraded', slots: ['Password'] }]);
    const secret = await stored('conc-once');
    expect(secret.HomeDirectory).toBe(`${HOME}/moved`);
    expect(secret.Password).toBeUndefined();
    expect(await verifyPassword('Once-Pass-2', secret.PasswordHash!)).toBe(true);
    expect(await verifyPassword('Once-Pass-1', secret.PasswordHash!)).toBe(false);
  });

  it('reports a user that keeps changing as a conflict and leaves it as the other edit made it', async () => {
    let edits = 0;
    concurrent.onHash = async (password) => {
      if (!password.startsWith('Always-Pass-')) return;
      edits++;
      await editElsewhere('conc-always', { Password: `Always-Pass-${edits + 1}` });
    };
    const job = await (await startUpgrade(SERVER, ['conc-always'], admin)).done;
    expect(edits).toBe(3);
    expect(job.counts).toEqual({ upgraded: 0, 'nothing-to-do': 0, failed: 1 });
    expect(job.results[0]!.message).toMatch(/^Conflict: someone else kept changing this user/);
    const secret = await stored('conc-always');
    expect(secret).toMatchObject({ Password: 'Always-Pass-4', HomeDirectory: `${HOME}/conc-always` });
    expect(secret.PasswordHash).toBeUndefined();
  });
});
