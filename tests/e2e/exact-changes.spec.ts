// Issue 8: the console changes exactly what the admin asked for, keeps what was typed, and never
// widens a user's access.
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect, test, LAMBDA_SERVER, USERS_URL } from './fixtures';

const sm = new SecretsManagerClient({
  endpoint: `http://127.0.0.1:${process.env.E2E_AWS_PORT ?? '4610'}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
});

async function stored(username: string): Promise<{ versionId: string; secretString: string }> {
  const value = await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${LAMBDA_SERVER}/${username}` }));
  return { versionId: value.VersionId!, secretString: value.SecretString! };
}

// The AWS Storage blog's shape (JSON strings, plaintext password) and AWS's sample shape with a PATH home.
const SHAPES: Record<string, string> = {
  'blog-shape': JSON.stringify({
    Password: 'Blog-Shape-2026',
    Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
    PosixProfile: '{"Uid": 2101, "Gid": 2101}',
    HomeDirectoryDetails: '[{"Entry": "/", "Target": "/fs-0123456789abcdef0/home/blog"}]',
  }),
  'sample-shape': JSON.stringify({
    Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
    HomeDirectory: '/fs-0123456789abcdef0/home/sample',
    PosixProfile: { Uid: 2102, Gid: 2101, SecondaryGids: [3000] },
    PublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLnb0jMgEHDVBsixV+MUrnq59wyRMpeJ+VUfdyN3Zos sample@example',
    FTPSPassword: 'Ftps-Only-2026',
    ExpiresAt: '2030-01-01T12:34:56Z',
    Note: 'added by hand',
  }),
};

test('saving without a change leaves every shape byte for byte as stored, with no new version', async ({ adminPage: page, adminUserPage: user }) => {
  for (const [name, secretString] of Object.entries(SHAPES)) {
    await sm.send(new CreateSecretCommand({ Name: `aws/transfer/${LAMBDA_SERVER}/${name}`, SecretString: secretString }));
  }
  for (const name of ['alice', 'bob', 'carol', ...Object.keys(SHAPES)]) {
    const before = await stored(name);
    await user.open(name);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('No changes to save')).toBeVisible();
    expect(await stored(name), name).toEqual(before);
  }
});

test('alice keeps her PATH home when another field is saved, and the form says which home she has', async ({
  adminPage: page,
  adminUserPage: user,
}) => {
  await user.open('alice');
  await expect(page.getByTestId('home-type')).toContainText('PATH');
  await expect(page.getByRole('radio', { name: /One folder at its full path/ })).toBeChecked();
  await page.getByLabel('Secondary GIDs').fill('3000');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes to alice were saved.')).toBeVisible();
  const secret = JSON.parse((await stored('alice')).secretString) as Record<string, unknown>;
  expect(secret.HomeDirectory).toBe('/fs-0123456789abcdef0/home/alice');
  expect(secret.HomeDirectoryDetails).toBeUndefined();
});

test('a keys-only user cannot be given a password by a reset', async ({ helpdeskPage: page, helpdeskUserPage: user }) => {
  await user.open('bob');
  const reset = page.getByRole('form', { name: 'Reset password' });
  await expect(reset).toContainText('signs in with SSH keys only: there is no password to reset');
  await expect(reset.getByRole('button', { name: 'Confirm password reset' })).toHaveCount(0);
});

test('an edit after your own Disable is saved, and the form’s Disabled box follows the header', async ({ adminPage: page, adminUserPage: user }) => {
  await user.open('carol');
  await user.setDisabled(true);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Disabled');
  await expect(page.getByRole('checkbox', { name: /Disabled \(refuse every login\)/ })).toBeChecked();
  await page.getByLabel('Secondary GIDs').fill('3000, 3002');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes to carol were saved.')).toBeVisible();
  await user.setDisabled(false);
  await expect(page.getByText('carol is now enabled')).toBeVisible();
});

test('a refused create keeps every choice as submitted, and focus moves to the error summary', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('frank');
  await page.getByRole('radio', { name: /No password/ }).check();
  await page.getByRole('radio', { name: /One folder at its full path/ }).check();
  await page.getByLabel('File system').selectOption('fs-0a1b2c3d4e5f6a7b8');
  await page.getByLabel('Folder', { exact: true }).fill('/partners/frank');
  await page.getByLabel('Allowed source networks').fill('10.0.0.0/40');
  await page.getByRole('button', { name: 'Create user' }).click();

  const summary = page.getByRole('alert').filter({ hasText: 'Some fields need attention' });
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: /Allowed source networks/ })).toBeVisible();
  await expect(summary.getByRole('link', { name: /SSH public keys/ })).toBeVisible();
  await expect(page.getByRole('radio', { name: /No password/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /One folder at its full path/ })).toBeChecked();
  await expect(page.getByLabel('File system')).toHaveValue('fs-0a1b2c3d4e5f6a7b8');
  await expect(page.getByLabel('Folder', { exact: true })).toHaveValue('/partners/frank');
  await expect(page.getByLabel('Allowed source networks')).toHaveValue('10.0.0.0/40');
  await summary.getByRole('link', { name: /Allowed source networks/ }).click();
  await expect(page).toHaveURL(/#acceptedIpNetwork$/);
});

test('a private key pasted in the key box is recognised in the browser and never sent', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/new`);
  const privateKey = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----';
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') sent.push(request.postData() ?? '');
  });
  await page.getByLabel('User name').fill('gina');
  await page.getByLabel('SSH public keys').fill(privateKey);
  await expect(page.getByLabel('SSH public keys')).toHaveAccessibleDescription(/This is a private key/);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was sent' })).toBeFocused();
  await page.waitForTimeout(600); // longer than the preview's debounce
  expect(sent.join('\n')).not.toContain('PRIVATE KEY');
  expect(sent.join('\n')).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
});

test('a folder with .. is refused on the Folder field and nothing is created', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('escaper');
  await page.getByLabel('Folder', { exact: true }).fill('/..');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByLabel('Folder', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Folder', { exact: true })).toHaveAccessibleDescription(/\.\./);
  await expect(sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${LAMBDA_SERVER}/escaper` }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

test('an expired session during a submit says so in the form and keeps what was typed; signing in again lets the same submit through', async ({
  adminPage: page,
}) => {
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('henry');
  await page.getByLabel('Secondary GIDs').fill('3000');
  const cookies = await page.context().cookies();
  await page.context().clearCookies();
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Your session has ended. Sign in again.' })).toBeFocused();
  await expect(page.getByLabel('User name')).toHaveValue('henry');
  await expect(page.getByLabel('Secondary GIDs')).toHaveValue('3000');
  await page.context().addCookies(cookies);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByText('User henry was created.')).toBeVisible();
});

test('unknown servers and users are clear pages with a way back; a malformed path is a 404; a search for é answers', async ({ adminPage: page }) => {
  const unknownServer = await page.goto('/servers/s-00000000000000000/users');
  expect(unknownServer?.status()).toBe(404);
  await expect(page.getByRole('link', { name: 'Back to servers' })).toBeVisible();
  const unknownUser = await page.goto(`${USERS_URL}/nobody-here`);
  expect(unknownUser?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'User not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the users' })).toBeVisible();
  const malformed = await page.goto(`${USERS_URL}/%E0%A4%A`);
  expect(malformed?.status()).toBe(404);
  await page.goto(`${USERS_URL}?q=${encodeURIComponent('é')}`);
  await expect(page.getByText('No user name contains “é”')).toBeVisible();
  await expect(page.getByText('Could not load the users')).toHaveCount(0);
});
