import { expect, test, USERS_URL } from './fixtures';

test('an admin onboards a user end to end, and the new password passes Test login', async ({ adminPage: page, adminUserPage: user }) => {
  await page.getByRole('link', { name: 'partner-uploads' }).click();
  await expect(page.getByRole('heading', { name: 'Users of partner-uploads' })).toBeVisible();
  await page.getByRole('link', { name: 'Create user' }).click();

  await page.getByLabel('User name').fill('dana');
  await expect(page.getByLabel('UID')).not.toHaveValue('');
  await expect(page.getByLabel('File system')).toHaveValue('fs-0123456789abcdef0');
  // The live preview shows what will be stored and what the Lambda will answer.
  await expect(page.getByTestId('preview-answer')).toContainText('"HomeDirectoryType": "LOGICAL"');
  await expect(page.getByTestId('preview-secret')).toContainText('<argon2id hash, made on save>');

  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByText('User dana was created.')).toBeVisible();
  const password = (await page.getByTestId('one-time-secret').textContent())!.trim();
  expect(password).toHaveLength(20);

  await page.getByRole('link', { name: 'Open dana' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^dana/ })).toBeVisible();
  expect(await user.testLogin(password)).toContain('Allowed.');
  await expect(page.getByTestId('test-login-result')).toContainText('transfer-efs-user');
  expect(await user.testLogin('not-the-password')).toContain('Denied.');

  await page.goto(USERS_URL);
  const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /dana/ });
  await expect(row).toContainText('password');
  // The one-time password is nowhere in the page once it has been shown.
  expect(await page.content()).not.toContain(password);
});

test('searching users by a part of the name happens on the server', async ({ adminPage: page }) => {
  await page.goto(USERS_URL);
  await page.getByLabel('Find users whose name contains').fill('AROL');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=AROL/);
  const table = page.getByRole('table', { name: 'Users' });
  await expect(table.getByRole('link', { name: 'carol' })).toBeVisible();
  await expect(table.getByRole('link', { name: 'alice' })).toHaveCount(0);
});
