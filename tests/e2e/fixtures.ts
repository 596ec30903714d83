import { test as base, expect, type Browser, type Page } from '@playwright/test';

export const LAMBDA_SERVER = 's-1a2b3c4d5e6f70819';
export const USERS_URL = `/servers/${LAMBDA_SERVER}/users`;
export const DEMO_PASSWORDS = { alice: 'Demo-Alice-2026', carol: 'Demo-Carol-2026' };

export type ConsoleRole = 'admin' | 'helpdesk';

function account(role: ConsoleRole): { username: string; password: string } {
  const username = role === 'admin' ? process.env.E2E_ADMIN_USER : process.env.E2E_HELPDESK_USER;
  const password = role === 'admin' ? process.env.E2E_ADMIN_PASSWORD : process.env.E2E_HELPDESK_PASSWORD;
  if (!username || !password) throw new Error('Run the browser tests through `npm run test:e2e`, which creates the console accounts.');
  return { username, password };
}

export async function signIn(page: Page, role: ConsoleRole): Promise<void> {
  const { username, password } = account(role);
  await page.goto('/signin');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Servers' })).toBeVisible();
}

export async function newSignedInPage(browser: Browser, role: ConsoleRole): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  return page;
}

export const test = base.extend<{ adminPage: Page; helpdeskPage: Page }>({
  adminPage: async ({ browser }, use) => {
    const page = await newSignedInPage(browser, 'admin');
    await use(page);
    await page.context().close();
  },
  helpdeskPage: async ({ browser }, use) => {
    const page = await newSignedInPage(browser, 'helpdesk');
    await use(page);
    await page.context().close();
  },
});

export { expect };
