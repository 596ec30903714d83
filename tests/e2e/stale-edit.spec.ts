import { expect, newSignedInPage, test, USERS_URL } from './fixtures';

test('a save made from a stale version is refused and the other change is kept', async ({ adminPage: first, browser }) => {
  const second = await newSignedInPage(browser, 'admin');
  for (const page of [first, second]) await page.goto(`${USERS_URL}/carol`);

  await first.getByLabel('Secondary GIDs').fill('3000, 3001');
  await first.getByRole('button', { name: 'Save changes' }).click();
  await expect(first.getByText('Changes to carol were saved.')).toBeVisible();

  await second.getByLabel('Secondary GIDs').fill('4000');
  await second.getByRole('button', { name: 'Save changes' }).click();
  await expect(second.getByText(/Someone else changed this user after you opened it/)).toBeVisible();

  await second.reload();
  await expect(second.getByLabel('Secondary GIDs')).toHaveValue('3000, 3001');
  // The first editor can keep saving: the form follows the version it wrote.
  await first.getByLabel('Secondary GIDs').fill('3000');
  await first.getByRole('button', { name: 'Save changes' }).click();
  await expect(first.getByText('Changes to carol were saved.')).toBeVisible();
  await second.context().close();
});
