import { expect, test, USERS_URL } from './fixtures';

test('an admin deletes a user with typed confirmation, then restores it', async ({ adminPage: page }) => {
  await page.goto(`${USERS_URL}/bob`);
  await page.getByLabel('Type bob to confirm').fill('bob');
  await expect(page.getByLabel('Recovery window (days)')).toHaveValue('7');
  await page.getByRole('button', { name: 'Delete bob' }).click();

  await expect(page.getByText('bob was deleted. It can be restored below')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'bob' })).toHaveCount(0);
  const deleted = page.getByRole('table', { name: 'Deleted users' });
  await expect(deleted.getByRole('row', { name: /bob/ })).toBeVisible();

  await deleted.getByRole('button', { name: 'Restore bob' }).click();
  await expect(page.getByText('bob was restored.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'bob' })).toBeVisible();
});
