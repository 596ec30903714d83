import { DEMO_PASSWORDS, expect, test } from './fixtures';

test('the help desk resets a password: the new one passes Test login, the old one fails', async ({ helpdeskPage: page, helpdeskUserPage: user }) => {
  await user.open('alice');
  expect(await user.testLogin(DEMO_PASSWORDS.alice)).toContain('Allowed.');

  const newPassword = await user.resetPassword();
  expect(newPassword).not.toBe(DEMO_PASSWORDS.alice);

  expect(await user.testLogin(DEMO_PASSWORDS.alice)).toContain('Denied.');
  expect(await user.testLogin(newPassword)).toContain('Allowed.');
  await expect(page.getByTestId('test-login-result')).toContainText('UID 2001, GID 2001');
});

test('the help desk disables and enables a user', async ({ helpdeskPage: page, helpdeskUserPage: user }) => {
  await user.open('carol');
  await user.setDisabled(true, 'partner asked for a pause');
  await expect(page.getByText('carol is now disabled')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Disabled');
  expect(await user.testLogin(DEMO_PASSWORDS.carol)).toContain('Denied.');
  await page.reload();
  await user.setDisabled(false);
  await expect(page.getByText('carol is now enabled')).toBeVisible();
  expect(await user.testLogin(DEMO_PASSWORDS.carol)).toContain('Allowed.');
});

test('a test login from a given source IP is answered, and the tested password never shows in the page', async ({
  helpdeskPage: page,
  helpdeskUserPage: user,
}) => {
  await user.open('carol');
  expect(await user.testLogin(DEMO_PASSWORDS.carol, '203.0.113.7')).toContain('Allowed.');
  expect(await page.content()).not.toContain(DEMO_PASSWORDS.carol);
});
