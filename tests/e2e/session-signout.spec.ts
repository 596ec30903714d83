import { expect, signIn, test, USERS_URL } from './fixtures';

test('signing out ends the session: the cookie captured before sign-out opens nothing afterwards', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await signIn(page, 'admin');
  await page.goto(USERS_URL);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'alice' }).first().click();
  await expect(page.getByRole('heading', { name: 'Help desk' })).toBeVisible();
  const captured = await context.cookies();
  expect(captured.some((c) => c.name === 'next-auth.session-token')).toBe(true);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  // The app ran under the nonce-based CSP without a single violation.
  expect(cspViolations).toEqual([]);

  const replay = await browser.newContext();
  await replay.addCookies(captured);
  const replayed = await replay.newPage();
  await replayed.goto(USERS_URL);
  await expect(replayed).toHaveURL(/\/signin/);
  await expect(replayed.getByRole('heading', { name: 'Sign in to Transfer Desk' })).toBeVisible();
  const session = await replayed.request.get('/api/auth/session');
  expect(await session.json()).toEqual({});
  await replay.close();
  await context.close();
});

test('a server action replayed with a cookie captured before sign-out answers in its form and changes nothing', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'admin');
  await page.goto(`${USERS_URL}/carol`);
  // A delete with a wrong confirmation (refused, nothing deleted); we keep the request.
  const captured = page.waitForRequest((request) => request.method() === 'POST' && Boolean(request.headers()['next-action']));
  await page.getByLabel('Type carol to confirm').fill('wrong-confirmation-text');
  await page.getByRole('button', { name: 'Delete carol' }).click();
  const request = await captured;
  await expect(page.getByLabel('Type carol to confirm')).toHaveAccessibleDescription(/Type the user name exactly/);
  const cookies = await context.cookies();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const headers = request.headers();
  const response = await replay.request.post(request.url(), {
    headers: {
      'next-action': headers['next-action']!,
      'content-type': headers['content-type']!,
      accept: 'text/x-component',
      'next-router-state-tree': headers['next-router-state-tree'] ?? '',
    },
    data: request.postDataBuffer()!.toString('utf8').replace('wrong-confirmation-text', 'carol'),
    maxRedirects: 0,
  });
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('Your session has ended. Sign in again.');
  await replay.close();

  await signIn(page, 'admin');
  await page.goto(`${USERS_URL}/carol`);
  await expect(page.getByRole('heading', { level: 1, name: /^carol/ })).toBeVisible();
  await context.close();
});
