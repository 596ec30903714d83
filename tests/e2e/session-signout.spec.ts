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
