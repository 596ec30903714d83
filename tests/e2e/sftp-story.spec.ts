// The whole story: a user created in the browser logs in with OpenSSH's sftp, and the file lands at
// the mapped EFS path; after a help-desk reset the old password fails and the new one works.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, USERS_URL } from './fixtures';
import { sftp } from './sftp';

test('a user created in the browser uploads and downloads with sftp; a help-desk reset swaps the password', async ({
  adminPage,
  helpdeskUserPage: user,
}) => {
  await adminPage.goto(`${USERS_URL}/new`);
  await adminPage.getByLabel('User name').fill('erin');
  await adminPage.getByLabel('Folder', { exact: true }).fill('/partners/erin');
  await adminPage.getByRole('button', { name: 'Create user' }).click();
  await expect(adminPage.getByText('User erin was created.')).toBeVisible();
  const password = (await adminPage.getByTestId('one-time-secret').textContent())!.trim();

  const work = mkdtempSync(path.join(tmpdir(), 'e2e-files-'));
  writeFileSync(path.join(work, 'invoice.txt'), 'invoice 42\n');
  const session = sftp('erin', password, [
    'pwd',
    `put ${path.join(work, 'invoice.txt')} invoice.txt`,
    'ls -l',
    `get invoice.txt ${path.join(work, 'back.txt')}`,
  ]);
  expect(session.code, session.output).toBe(0);
  expect(session.output).toContain('Remote working directory: /');
  expect(readFileSync(path.join(work, 'back.txt'), 'utf8')).toBe('invoice 42\n');
  const onDisk = path.join(process.env.E2E_DATA_DIR!, 'efs', 'fs-0123456789abcdef0', 'partners', 'erin', 'invoice.txt');
  expect(readFileSync(onDisk, 'utf8')).toBe('invoice 42\n');

  await user.open('erin');
  const newPassword = await user.resetPassword();
  expect(sftp('erin', password, ['pwd']).code).not.toBe(0);
  const after = sftp('erin', newPassword, ['ls']);
  expect(after.code, after.output).toBe(0);
  expect(after.output).toContain('invoice.txt');
});
