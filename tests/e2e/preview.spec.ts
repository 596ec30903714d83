// The live preview is a fetch the page cancels: a change to the form aborts the preview in flight,
// only the latest answer reaches the panel, a Create never waits behind a slow preview, and a
// failed preview is a note in the panel. Previews are held by page.route until the test releases
// them, so "slow" is a fact of the test, not a timing.
import type { Page, Request, Route } from '@playwright/test';
import { expect, test, USERS_URL } from './fixtures';

const PREVIEW = '**/api/servers/*/users/preview';
const isPreview = (request: Request) => /\/api\/servers\/[^/]+\/users\/preview$/.test(new URL(request.url()).pathname);

/** Holds every preview request; records which were sent, which the page aborted and which got an answer. */
async function holdPreviews(page: Page) {
  const held: Route[] = [];
  const sent: Request[] = [];
  const aborted: Request[] = [];
  const answered: Request[] = [];
  page.on('request', (request) => {
    if (isPreview(request)) sent.push(request);
  });
  page.on('requestfailed', (request) => {
    if (isPreview(request) && request.failure()?.errorText === 'net::ERR_ABORTED') aborted.push(request);
  });
  page.on('requestfinished', (request) => {
    if (isPreview(request)) answered.push(request);
  });
  await page.route(PREVIEW, (route) => {
    held.push(route);
  });
  return { held, sent, aborted, answered };
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Preview' });

test('each change cancels the preview in flight, and the panel shows the answer for the last input only', async ({ adminPage: page }) => {
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  const previews = await holdPreviews(page);
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('pia');
  // One preview is running (the page's first one may have been cancelled by typing the name already).
  await expect.poll(() => previews.sent.length - previews.aborted.length).toBe(1);
  await expect(panel(page)).toHaveAttribute('aria-busy', 'true');
  const before = { sent: previews.sent.length, aborted: previews.aborted.length };

  for (const [n, uid] of ['6001', '6002', '6003'].entries()) {
    await page.getByLabel('UID').fill(uid);
    // The change aborts the preview that was running, then the next one is sent.
    await expect.poll(() => previews.aborted.length).toBe(before.aborted + n + 1);
    await expect.poll(() => previews.sent.length).toBe(before.sent + n + 1);
  }
  const last = previews.sent.at(-1)!;
  expect(previews.aborted).toEqual(previews.sent.slice(0, -1));
  expect(last.postData()).toContain('uid=6003');

  await previews.held.at(-1)!.continue();
  await expect(page.getByTestId('preview-answer')).toContainText('"Uid": 6003');
  await expect(page.getByTestId('preview-secret')).toContainText('\\"Uid\\":6003');
  await expect(panel(page)).toHaveAttribute('aria-busy', 'false');
  expect(previews.answered).toEqual([last]);
  expect(errors).toEqual([]);
});

test('Create completes while a preview is still unanswered, without waiting for it', async ({ adminPage: page }) => {
  const previews = await holdPreviews(page);
  const events: string[] = [];
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && response.request().headers()['next-action']) events.push('create answered');
    if (isPreview(response.request())) events.push('preview answered');
  });
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('quinn');
  await page.getByLabel('SSH public keys').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl quinn');
  await expect.poll(() => previews.sent.length - previews.aborted.length).toBe(1);
  await expect(panel(page)).toHaveAttribute('aria-busy', 'true');

  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByText('User quinn was created.')).toBeVisible();
  // The preview that was running when Create was pressed never got an answer: Create did not queue behind it.
  await expect.poll(() => events).toEqual(['create answered']);
  expect(previews.answered).toEqual([]);
});

test('leaving the page cancels the preview in flight', async ({ adminPage: page }) => {
  const previews = await holdPreviews(page);
  await page.goto(`${USERS_URL}/new`);
  await expect.poll(() => previews.sent.length).toBe(1);
  await page.getByRole('link', { name: 'partner-uploads' }).click();
  await expect(page.getByRole('heading', { name: 'Users of partner-uploads' })).toBeVisible();
  await expect.poll(() => previews.aborted.length).toBe(1);
});

test('a failed preview is a short note in the panel; the last good preview stays and the next change recovers', async ({ adminPage: page }) => {
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${USERS_URL}/new`);
  await page.getByLabel('User name').fill('rosa');
  await page.getByLabel('UID').fill('6101');
  await expect(page.getByTestId('preview-answer')).toContainText('"Uid": 6101');
  const note = page.getByTestId('preview-note');

  // The console cannot be reached.
  await page.route(PREVIEW, (route) => route.abort('connectionfailed'));
  await page.getByLabel('UID').fill('6102');
  await expect(note).toHaveText('The preview was not updated: the console could not be reached. What is shown below is from before.');
  await expect(page.getByTestId('preview-answer')).toContainText('"Uid": 6101');
  await expect(panel(page)).toHaveAttribute('aria-busy', 'false');

  // The console fails (a 5xx with the console's own message).
  await page.unroute(PREVIEW);
  await page.route(PREVIEW, (route) =>
    route.fulfill({
      status: 502,
      contentType: 'application/json',
      body: JSON.stringify({ status: 'error', code: 'failed', message: 'AWS is throttling requests right now; reload the page in a moment.' }),
    }),
  );
  await page.getByLabel('UID').fill('6103');
  await expect(note).toContainText('The preview was not updated. AWS is throttling requests right now');

  // Working again: the note goes, the preview follows the form.
  await page.unroute(PREVIEW);
  await page.getByLabel('UID').fill('6104');
  await expect(page.getByTestId('preview-answer')).toContainText('"Uid": 6104');
  await expect(note).toBeEmpty();

  // The session ends (the route handler itself answers 401): the note says so and links to sign in.
  await page.context().clearCookies();
  await page.getByLabel('UID').fill('6105');
  await expect(note).toContainText('Your session has ended, so the preview was not updated.');
  await expect(note.getByRole('link', { name: 'Sign in again' })).toHaveAttribute('href', '/signin');
  await expect(page.getByTestId('preview-answer')).toContainText('"Uid": 6104');
  expect(errors).toEqual([]);
});

test('the preview is for admins on the console’s own pages: a help-desk replay and another site are refused', async ({ adminPage, helpdeskPage }) => {
  const captured = adminPage.waitForRequest((request) => isPreview(request) && request.method() === 'POST');
  await adminPage.goto(`${USERS_URL}/new`);
  await adminPage.getByLabel('User name').fill('sven');
  const request = await captured;
  const form = { data: request.postData() ?? '', headers: { 'content-type': request.headers()['content-type']! } };
  const origin = new URL(adminPage.url()).origin;

  const replayed = await helpdeskPage.request.post(request.url(), { ...form, headers: { ...form.headers, origin } });
  expect(replayed.status()).toBe(403);
  expect(await replayed.json()).toMatchObject({ code: 'forbidden', message: expect.stringContaining('your role is helpdesk') });

  const elsewhere = await adminPage.request.post(request.url(), { ...form, headers: { ...form.headers, origin: 'https://evil.example' } });
  expect(elsewhere.status()).toBe(403);
  expect(await elsewhere.json()).toMatchObject({ code: 'cross-site' });

  const own = await adminPage.request.post(request.url(), { ...form, headers: { ...form.headers, origin } });
  expect(own.status()).toBe(200);
  expect(await own.json()).toMatchObject({ status: 'success', data: { lambdaAnswer: { HomeDirectoryType: 'LOGICAL' } } });
});
