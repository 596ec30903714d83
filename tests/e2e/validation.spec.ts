import { expect, test, USERS_URL } from './fixtures';

test('validation errors show on the right fields and nothing is created', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('ab');
  await page.getByLabel('UID').fill('abc');
  await page.getByLabel('Allowed source networks').fill('10.0.0.0/40');
  await page.getByLabel('IAM role').fill('not-a-role');
  await page.getByRole('button', { name: 'Create user' }).click();

  // The refusal is an error summary that takes focus (issue 8), no longer a polite status line.
  await expect(page.getByRole('alert').filter({ hasText: 'Some fields need attention. Nothing was saved.' })).toBeFocused();
  await expect(page.getByLabel('User name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('User name')).toHaveAccessibleDescription(/3 to 100 characters/);
  await expect(page.getByLabel('UID')).toHaveAccessibleDescription(/UID must be a number/);
  await expect(page.getByLabel('Allowed source networks')).toHaveAccessibleDescription(/prefix length outside 0–32/);
  await expect(page.getByLabel('IAM role')).toHaveAccessibleDescription(/IAM role ARN/);
  await expect(page.getByLabel('GID', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');

  await page.goto(`${USERS_URL}?q=ab`);
  await expect(page.getByText('No user name contains “ab”.')).toBeVisible();
});

test('a taken user name is refused with a clear message', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('alice');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByLabel('User name')).toHaveAccessibleDescription(/taken on this server/);
});
