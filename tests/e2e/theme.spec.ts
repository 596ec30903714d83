import { expect, test } from './fixtures';

test('the console follows the system theme and can be pinned to light or dark', async ({ adminPage: page }) => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(15, 18, 22)');
  await page.getByLabel('Theme').selectOption('light');
  expect(await background()).toBe('rgb(247, 248, 250)');
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('light');
  expect(await background()).toBe('rgb(247, 248, 250)');
  await page.getByLabel('Theme').selectOption('system');
  expect(await background()).toBe('rgb(15, 18, 22)');
});
