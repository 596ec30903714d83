import { expect, test, USERS_URL } from './fixtures';

test('a helpdesk session sees no admin controls and cannot open admin pages', async ({ helpdeskPage: page }) => {
  await page.goto(USERS_URL);
  await expect(page.getByRole('link', { name: 'Create user' })).toHaveCount(0);
  await page.goto(`${USERS_URL}/carol`);
  await expect(page.getByRole('form', { name: 'Reset password' }).getByText('Reset password', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: /Delete carol/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await page.goto(`${USERS_URL}/new`);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});

test('a helpdesk session posting an admin action directly is refused and nothing changes', async ({ adminPage, helpdeskPage }) => {
  // The admin submits a delete with a wrong confirmation (refused, nothing deleted); we keep the request.
  await adminPage.goto(`${USERS_URL}/carol`);
  const captured = adminPage.waitForRequest((request) => request.method() === 'POST' && Boolean(request.headers()['next-action']));
  await adminPage.getByLabel('Type carol to confirm').fill('wrong-confirmation-text');
  await adminPage.getByRole('button', { name: 'Delete carol' }).click();
  const request = await captured;
  await expect(adminPage.getByLabel('Type carol to confirm')).toHaveAccessibleDescription(/Type the user name exactly/);

  // The helpdesk replays it, now with the right confirmation, straight to the server.
  const body = request.postDataBuffer()!.toString('utf8').replace('wrong-confirmation-text', 'carol');
  const headers = request.headers();
  const response = await helpdeskPage.request.post(request.url(), {
    headers: {
      'next-action': headers['next-action']!,
      'content-type': headers['content-type']!,
      accept: 'text/x-component',
      'next-router-state-tree': headers['next-router-state-tree'] ?? '',
    },
    data: body,
  });
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('Only admins can do this; your role is helpdesk. Nothing was changed.');

  await helpdeskPage.goto(`${USERS_URL}/carol`);
  await expect(helpdeskPage.getByRole('heading', { level: 1, name: /^carol/ })).toBeVisible();
});

test('signing in with a wrong password says nothing about which user names exist', async ({ page, signInPage }) => {
  for (const username of [process.env.E2E_ADMIN_USER!, 'no-such-user']) {
    await signInPage.submit(username, 'wrong-password');
    await expect(page.getByText('Sign-in failed. Check your user name and password.')).toBeVisible();
  }
  await page.goto(USERS_URL);
  await expect(page).toHaveURL(/\/signin/);
});
