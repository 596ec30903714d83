import { expect, test } from './fixtures';

function expectHeaders(headers: Record<string, string>, { csp = true } = {}) {
  if (csp) expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['permissions-policy']).toContain('camera=()');
}

test('pages, /api/auth/* and static files carry the security headers', async ({ page, request }) => {
  for (const path of ['/signin', '/api/auth/session', '/api/auth/csrf', '/servers']) {
    const response = await request.get(path, { maxRedirects: 0 });
    expectHeaders(response.headers());
  }
  await page.goto('/signin');
  const script = await page.locator('script[src^="/_next/static/"]').first().getAttribute('src');
  expect(script).toBeTruthy();
  expectHeaders((await request.get(script!)).headers(), { csp: false });
});

for (const callbackUrl of [
  '%2F%5Cevil.example%2F',
  '/%5C/evil.example/',
  '/%09/evil.example/',
  '//evil.example/',
  'https://evil.example/',
  'javascript:alert(1)',
]) {
  test(`sign-in with callbackUrl=${callbackUrl} stays on the console`, async ({ page, baseURL }) => {
    await page.goto(`/signin?callbackUrl=${callbackUrl}`);
    await page.getByLabel('User name').fill(process.env.E2E_HELPDESK_USER!);
    await page.getByLabel('Password').fill(process.env.E2E_HELPDESK_PASSWORD!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Servers' })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(new URL(page.url()).pathname).toBe('/servers');
  });
}
