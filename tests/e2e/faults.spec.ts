// Issue 14 §1 §3 under LOCAL_AWS_FAULTS (run with e.g. LOCAL_AWS_FAULTS=throttle=0.2,error=0.2,after=0.2,
// latency=100,ops=CreateSecret+PutSecretValue+UpdateSecretVersionStage+GetSecretValue+DescribeSecret):
// whatever fails, a password that is stored is shown, and a failure reported as "nothing changed"
// changed nothing. Without faults the same invariants hold trivially and the flows must succeed.
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { verifyPassword } from '../../lib/secret/password';
import { expect, LAMBDA_SERVER, test, USERS_URL } from './fixtures';

const ROUNDS = 4;
const faulty = Boolean(process.env.LOCAL_AWS_FAULTS);

// The test's own reads go past the faults by retrying; they check what is stored.
const sm = new SecretsManagerClient({
  endpoint: `http://127.0.0.1:${process.env.E2E_AWS_PORT ?? '4610'}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
  maxAttempts: 15,
});
const secretId = (username: string) => `aws/transfer/${LAMBDA_SERVER}/${username}`;

async function stored(username: string): Promise<{ versionId: string; hash: string } | null> {
  try {
    const value = await sm.send(new GetSecretValueCommand({ SecretId: secretId(username) }));
    const secret = JSON.parse(value.SecretString ?? '{}') as { PasswordHash?: string };
    return { versionId: value.VersionId ?? '', hash: secret.PasswordHash ?? '' };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return null;
    throw err;
  }
}

/** Loads a page until its form is usable: the page's own reads may be failing by design. */
async function openUntil(page: Page, url: string, ready: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 15; attempt++) {
    await page.goto(url);
    if (await ready()) return;
  }
  throw new Error(`${url} never loaded under the injected faults`);
}

test('every reset shows the password it stored, or changes nothing', async ({ helpdeskPage: page }) => {
  test.setTimeout(240_000);
  const username = `fault-reset-${Date.now().toString(36)}`;
  const carol = await sm.send(new GetSecretValueCommand({ SecretId: secretId('carol') }));
  await sm.send(new CreateSecretCommand({ Name: secretId(username), SecretString: carol.SecretString, ClientRequestToken: randomUUID() }));

  let successes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const reset = page.getByRole('form', { name: 'Reset password' });
    await openUntil(page, `${USERS_URL}/${username}`, async () => {
      await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^${username}`) })).toBeVisible();
      return (await reset.getByText('Reset password', { exact: true }).count()) > 0;
    });
    const before = await stored(username);
    await reset.getByText('Reset password', { exact: true }).click();
    await reset.getByRole('button', { name: 'Confirm password reset' }).click();
    const secret = reset.getByTestId('one-time-secret');
    const refused = reset.locator('.error-summary');
    await expect(secret.or(refused)).toBeVisible({ timeout: 60_000 });
    const after = await stored(username);
    if (await secret.isVisible()) {
      const password = (await secret.textContent())!.trim();
      const message = (await reset.getByRole('status').first().textContent()) ?? '';
      // A reset that says "may" changed nothing or stored exactly this password.
      if (!/did not confirm/.test(message) || after!.versionId !== before!.versionId) expect(await verifyPassword(password, after!.hash)).toBe(true);
      successes++;
    } else {
      await expect(refused).toContainText(/Nothing was changed|try again/i);
      expect(after!.versionId).toBe(before!.versionId);
    }
    // The result stays on screen whatever the page's own re-load did.
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^${username}`) })).toBeVisible();
  }
  if (!faulty) expect(successes).toBe(ROUNDS);
});

test('every create shows the password it stored, or stores nothing, and a retry then works', async ({ adminPage: page }) => {
  test.setTimeout(300_000);
  let successes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const username = `fault-create-${Date.now().toString(36)}-${round}`;
    let created = false;
    for (let attempt = 0; attempt < 4 && !created; attempt++) {
      await openUntil(page, `${USERS_URL}/new`, async () => {
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        return (
          (await page
            .getByLabel('UID')
            .inputValue()
            .catch(() => '')) !== '' &&
          (await page
            .getByLabel('File system')
            .inputValue()
            .catch(() => '')) !== ''
        );
      });
      await page.getByLabel('User name').fill(username);
      await page.getByRole('button', { name: 'Create user' }).click();
      const secret = page.getByTestId('one-time-secret');
      // Next's route announcer is also an alert: the form's refusal is its error summary.
      const refused = page.locator('.error-summary');
      await expect(secret.or(refused)).toBeVisible({ timeout: 60_000 });
      const after = await stored(username);
      if (await secret.isVisible()) {
        const password = (await secret.textContent())!.trim();
        if (after) expect(await verifyPassword(password, after.hash)).toBe(true);
        else await expect(page.getByRole('status').first()).toContainText(/may have been created/);
        created = after !== null;
      } else {
        // Refused: never "already exists" for our own create, and nothing stored.
        await expect(refused).not.toContainText(/already exists/);
        await expect(sm.send(new DescribeSecretCommand({ SecretId: secretId(username) }))).rejects.toThrow();
      }
    }
    expect(created).toBe(true);
    successes++;
  }
  expect(successes).toBe(ROUNDS);
});
