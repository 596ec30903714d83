// "I can't log in": the help desk answers from the user page alone, after the user's real SFTP attempt.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEMO_PASSWORDS, LAMBDA_SERVER, USERS_URL, expect, test } from './fixtures';
import { UserPage } from './pages/user-page';
import { sftp, SFTP_PORT } from './sftp';

const AWS_PORT = process.env.E2E_AWS_PORT ?? '4610';

test('a disabled user: the history and the test login say who disabled them and when', async ({ helpdeskPage: page }) => {
  const user = new UserPage(page);
  await user.open('carol');
  await user.setDisabled(true, 'ticket 4711');
  await expect(page.getByText('carol is now disabled')).toBeVisible();
  expect(sftp('carol', DEMO_PASSWORDS.carol, ['pwd']).code).not.toBe(0);

  const history = page.getByRole('region', { name: 'Login history' });
  // The panel refreshes itself: no reload.
  await expect(
    history
      .getByRole('row')
      .filter({ hasText: /Disabled by \S+ on \d{4}-\d\d-\d\d \d\d:\d\d UTC/ })
      .first(),
  ).toBeVisible({ timeout: 25_000 });
  await expect(history.getByRole('row').filter({ hasText: 'Disabled by' }).first()).toContainText('127.0.0.1');
  expect(await user.testLogin(DEMO_PASSWORDS.carol)).toMatch(/Denied\. Disabled by \S+ on \d{4}-\d\d-\d\d/);
  await expect(page.getByRole('region', { name: 'Access' })).toContainText(/Disabled by \S+ on/);

  await page.reload();
  await user.setDisabled(false);
  await expect(page.getByText('carol is now enabled')).toBeVisible();
});

test('a source outside the allow-list: the history names the address and the list', async ({ helpdeskPage: page }) => {
  const sm = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${AWS_PORT}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
  });
  await sm.send(
    new CreateSecretCommand({
      Name: `aws/transfer/${LAMBDA_SERVER}/iris`,
      SecretString: JSON.stringify({
        Password: 'Iris-Pass-2026',
        Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
        PosixProfile: { Uid: 2301, Gid: 2301 },
        HomeDirectory: '/fs-0123456789abcdef0/home/iris',
        AcceptedIpNetwork: '10.0.0.0/8',
      }),
    }),
  );
  expect(sftp('iris', 'Iris-Pass-2026', ['pwd']).code).not.toBe(0);

  const user = new UserPage(page);
  await user.open('iris');
  await expect(page.getByRole('region', { name: 'Access' })).toContainText('10.0.0.0/8');
  const history = page.getByRole('region', { name: 'Login history' });
  await expect(history).toContainText('Source 127.0.0.1 is outside the allow-list 10.0.0.0/8', { timeout: 25_000 });
  await expect(page.getByTestId('last-login')).toContainText('none in the last 90 days');
  expect(await user.testLogin('Iris-Pass-2026', '10.1.2.3')).toContain('Allowed.');
  expect(await user.testLogin('Iris-Pass-2026', '192.0.2.1')).toContain('Denied. Source 192.0.2.1 is outside the allow-list 10.0.0.0/8');
});

test('the connection instructions hold the endpoint’s host, port and host-key fingerprint', async ({ helpdeskPage: page }) => {
  // The fingerprint as an SSH client sees it, independently of the console.
  const scanned = execFileSync('ssh-keyscan', ['-t', 'ed25519', '-p', String(SFTP_PORT), '127.0.0.1'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: scanned, encoding: 'utf8' }).split(/\s+/)[1]!;
  expect(fingerprint).toMatch(/^SHA256:/);

  await page.goto(`${USERS_URL}/alice`);
  const instructions = page.getByRole('region', { name: 'Connection instructions' });
  await expect(instructions.getByTestId('connection-host')).toHaveText('127.0.0.1');
  await expect(instructions.getByTestId('connection-port')).toHaveText(String(SFTP_PORT));
  await expect(instructions.getByTestId('connection-fingerprint')).toHaveText(fingerprint);
  await expect(instructions).toContainText('alice');
  await expect(instructions.getByRole('button', { name: 'Copy instructions as text' })).toBeVisible();
});

test('a key test login says whether the key is on file; a reset offers the password inside the instructions once', async ({ helpdeskPage: page }) => {
  const user = new UserPage(page);
  await user.open('bob');
  const form = page.getByRole('form', { name: 'Test login' });
  await form.getByLabel('SSH key').check();
  await form.getByLabel('Key on file').selectOption({ index: 1 });
  await form.getByRole('button', { name: 'Test login' }).click();
  await expect(page.getByTestId('test-login-result')).toContainText(/is on file/);
  await expect(page.getByTestId('test-login-result')).toContainText('Allowed.');

  await form.getByLabel('Key on file').selectOption({ index: 0 });
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-key-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other@example', '-f', path.join(work, 'other')]);
  const otherKey = readFileSync(path.join(work, 'other.pub'), 'utf8').trim();
  rmSync(work, { recursive: true, force: true });
  await form.getByLabel('Public key to test').fill(otherKey);
  await form.getByRole('button', { name: 'Test login' }).click();
  await expect(page.getByTestId('test-login-result')).toContainText('Denied. Key login offered a key that is not on file');

  await user.open('alice');
  const password = await user.resetPassword();
  const withPassword = page.getByRole('form', { name: 'Reset password' }).getByRole('region', { name: 'Connection instructions' });
  await expect(withPassword.getByTestId('connection-password')).toHaveText(password);
  await page.reload();
  await expect(page.getByTestId('connection-password')).toHaveCount(0);
  expect(await page.content()).not.toContain(password);
});
