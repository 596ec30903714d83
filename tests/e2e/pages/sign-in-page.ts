import { expect, type Page } from '@playwright/test';

/** The sign-in page (local accounts). */
export class SignInPage {
  constructor(readonly page: Page) {}

  /** Opens the sign-in page and submits the credentials, whatever the outcome. */
  async submit(username: string, password: string): Promise<void> {
    await this.page.goto('/signin');
    await this.page.getByLabel('User name').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Signs in and waits for the servers list, the page a signed-in console opens on. */
  async signIn(username: string, password: string): Promise<void> {
    await this.submit(username, password);
    await expect(this.page.getByRole('heading', { name: 'Servers' })).toBeVisible();
  }
}
