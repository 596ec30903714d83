import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { UserPage } from './pages/user-page';

export { DEMO_PASSWORDS, LAMBDA_SERVER, USERS_URL } from './demo';

export type ConsoleRole = 'admin' | 'helpdesk';

function account(role: ConsoleRole): { username: string; password: string } {
  const username = role === 'admin' ? process.env.E2E_ADMIN_USER : process.env.E2E_HELPDESK_USER;
  const password = role === 'admin' ? process.env.E2E_ADMIN_PASSWORD : process.env.E2E_HELPDESK_PASSWORD;
  if (!username || !password) throw new Error('Run the browser tests through `npm run test:e2e`, which creates the console accounts.');
  return { username, password };
}

export async function signIn(page: Page, role: ConsoleRole): Promise<void> {
  const { username, password } = account(role);
  await new SignInPage(page).signIn(username, password);
}

export async function newSignedInPage(browser: Browser, role: ConsoleRole): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  return page;
}

type ConsoleFixtures = {
  /** A browser page signed in as an admin, in its own context. */
  adminPage: Page;
  /** A browser page signed in as the help desk, in its own context. */
  helpdeskPage: Page;
  /** The sign-in page on the test's own (signed-out) page. */
  signInPage: SignInPage;
  /** A user's page, seen by an admin (on `adminPage`). */
  adminUserPage: UserPage;
  /** A user's page, seen by the help desk (on `helpdeskPage`). */
  helpdeskUserPage: UserPage;
};

export const test = base.extend<ConsoleFixtures>({
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
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  adminUserPage: async ({ adminPage }, use) => {
    await use(new UserPage(adminPage));
  },
  helpdeskUserPage: async ({ helpdeskPage }, use) => {
    await use(new UserPage(helpdeskPage));
  },
});

export { expect };
