import { expect, type Page } from '@playwright/test';
import { USERS_URL } from '../demo';

/** The page of one user: help-desk panel, edit form (admins), delete (admins). */
export class UserPage {
  constructor(readonly page: Page) {}

  async open(username: string): Promise<void> {
    await this.page.goto(`${USERS_URL}/${encodeURIComponent(username)}`);
    await expect(this.page.getByRole('heading', { level: 1, name: new RegExp(`^${username}`) })).toBeVisible();
  }

  /** Runs a test login and returns the answer shown for it (not an earlier one with the same text). */
  async testLogin(password: string, sourceIp = ''): Promise<string> {
    const form = this.page.getByRole('form', { name: 'Test login' });
    await form.getByLabel('Password to test').fill(password);
    await form.getByLabel('Source IP (optional)').fill(sourceIp);
    // The form posts to its server action; its answer is what the result then shows.
    const answered = this.page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.request().headers()['next-action'] !== undefined,
    );
    await form.getByRole('button', { name: 'Test login' }).click();
    expect((await answered).ok()).toBe(true);
    await expect(form.getByRole('button', { name: 'Test login' })).toBeEnabled();
    const result = this.page.getByTestId('test-login-result');
    await expect(result).toBeVisible();
    return (await result.textContent()) ?? '';
  }

  async setDisabled(disabled: boolean, reason = ''): Promise<void> {
    if (disabled) {
      const form = this.page.getByRole('form', { name: 'Disable user' });
      await form.getByText('Disable user', { exact: true }).click();
      if (reason) await form.getByLabel(/^Reason/).fill(reason);
      await form.getByRole('button', { name: 'Confirm disable' }).click();
    } else {
      await this.page.getByRole('form', { name: 'Enable user' }).getByRole('button', { name: 'Enable user' }).click();
    }
  }

  /** Opens the reset dialog, optionally gives a reason, confirms, and returns the one-time password. */
  async resetPassword(reason = ''): Promise<string> {
    const form = this.page.getByRole('form', { name: 'Reset password' });
    await form.getByText('Reset password', { exact: true }).click();
    if (reason) await form.getByLabel(/^Reason/).fill(reason);
    await form.getByRole('button', { name: 'Confirm password reset' }).click();
    const secret = form.getByTestId('one-time-secret');
    await expect(secret).toBeVisible();
    return (await secret.textContent())!.trim();
  }
}
