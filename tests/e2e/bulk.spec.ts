import { readFileSync } from 'node:fs';
import { expect, LAMBDA_SERVER, test } from './fixtures';

const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const FS = 'fs-0123456789abcdef0';
const IMPORT_URL = `/servers/${LAMBDA_SERVER}/import`;
const HEADER =
  'username,sign_in_methods,password,protocol_passwords,public_keys,role,uid,gid,secondary_gids,home_type,home,allowed_networks,expires_at,disabled,policy';

test('a CSV with good and bad rows: the dry run lists the bad ones, and users are written only after confirm', async ({ adminPage: page }) => {
  const csv = [
    HEADER,
    `e2e-bulk-ann,,generate,,,${ROLE},4101,4101,,,/${FS}/home/e2e-bulk-ann,,,,`,
    `e2e-bulk-bad,,hunter2,,,not-a-role,4102,4102,,,/${FS}/home/x,,,,`,
    `e2e-bulk-cid,,generate,,,${ROLE},4103,4103,,,/${FS}/home/e2e-bulk-cid,,,,`,
  ].join('\n');
  await page.goto(`/servers/${LAMBDA_SERVER}/users`);
  await page.getByRole('link', { name: 'Import users' }).click();
  await page.getByLabel('Or paste its content').fill(csv);
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByText('3 rows: 2 ready, 1 with errors')).toBeVisible();
  const errors = page.getByRole('list', { name: 'Errors of row 3' });
  await expect(errors).toContainText('password');
  await expect(errors).toContainText('role');

  // Nothing is written by the dry run.
  const other = await page.context().newPage();
  await other.goto(`/servers/${LAMBDA_SERVER}/users?q=e2e-bulk`);
  // Before the user index is built the list searches by prefix, after by any part of the name.
  await expect(other.getByText(/^No user name (contains|starts with) “e2e-bulk”\.$/)).toBeVisible();

  await page.getByRole('button', { name: 'Create 2 users' }).click();
  await expect(page.getByText('Finished')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: '3 of 3 rows done' })).toContainText('2 created');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the passwords (once)' }).click();
  const passwords = readFileSync(await (await downloading).path(), 'utf8');
  expect(passwords).toMatch(/^username,which,password,connect\n/);
  expect(passwords).toContain('e2e-bulk-ann,password,');
  expect(passwords).not.toContain('e2e-bulk-bad');

  // Reloading keeps the progress and results; the passwords are gone from the server.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Row results' })).toContainText('e2e-bulk-cid');
  await expect(page.getByRole('button', { name: 'Download the passwords (once)' })).toHaveCount(0);

  await other.reload();
  await expect(other.getByRole('link', { name: 'e2e-bulk-ann' })).toBeVisible();
  await expect(other.getByRole('link', { name: 'e2e-bulk-bad' })).toHaveCount(0);
});

test('export downloads every user without a password or hash', async ({ adminPage: page }) => {
  await page.goto(`/servers/${LAMBDA_SERVER}/export`);
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const body = readFileSync(await (await downloading).path(), 'utf8');
  expect(body.split('\n')[0]).toBe(HEADER);
  expect(body).toContain('alice,password,generate');
  expect(body).not.toMatch(/argon2|Demo-Alice-2026/);
});

test('each posture count opens the users list filtered to exactly those users', async ({ adminPage: page }) => {
  await page.goto(`/servers/${LAMBDA_SERVER}/posture`);
  await expect(page.getByRole('heading', { name: `Security posture of ${LAMBDA_SERVER}` })).toBeVisible();
  await expect(page.getByText('AWS’s sample Lambda (the one in AWS’s blog post) cannot read hashes.')).toBeVisible();
  await expect(page.getByRole('rowheader', { name: 'Never logged in' })).toBeVisible();
  const count = page.getByRole('link', { name: /users: No allow-list$/ });
  const n = Number(await count.textContent());
  expect(n).toBeGreaterThan(0);
  await count.click();

  await expect(page).toHaveURL(new RegExp(`/servers/${LAMBDA_SERVER}/users\\?attention=no-allow-list$`));
  const filter = page.getByRole('region', { name: 'Security posture filter' });
  await expect(filter).toContainText(`Showing only no allow-list (${n} users on this server)`);
  await expect(page.getByText(new RegExp(`^${n} users? match`))).toBeVisible();
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('link', { name: 'alice' })).toBeVisible();
  await expect(users.getByRole('cell', { name: 'from any address' }).first()).toBeVisible();

  // Searching stays within the category; the way back shows everyone.
  await page.getByLabel('Find users whose name contains').fill('alice');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=alice/);
  await expect(page).toHaveURL(/attention=no-allow-list/);
  await expect(filter).toBeVisible();
  await filter.getByRole('link', { name: 'Show all users' }).click();
  await expect(page).not.toHaveURL(/attention=/);
  await expect(page.getByRole('region', { name: 'Security posture filter' })).toHaveCount(0);
});

test('the help desk cannot import, export or take passwords', async ({ helpdeskPage: page }) => {
  await page.goto(IMPORT_URL);
  await expect(page).toHaveURL(/\/forbidden/);
  await page.goto(`/servers/${LAMBDA_SERVER}/users?attention=weak-keys`);
  await expect(page).toHaveURL(/\/forbidden/);
  const exported = await page.request.get(`/servers/${LAMBDA_SERVER}/export/download?format=csv`);
  expect(exported.status()).toBe(403);
  const taken = await page.request.post(`/servers/${LAMBDA_SERVER}/import/passwords`, { form: { importId: '00000000-0000-0000-0000-000000000000' } });
  expect(taken.status()).toBe(403);
});
