// Issue 10's audit trail: old → new for the fields that changed, the reason given, and filters that
// match any part of the actor, the user and the server's name or id, ignoring case.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect, LAMBDA_SERVER, test } from './fixtures';
import { UserPage } from './pages/user-page';

const sm = new SecretsManagerClient({
  endpoint: `http://127.0.0.1:${process.env.E2E_AWS_PORT ?? '4610'}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
  maxAttempts: 15,
});

test('the help desk finds a disable with its reason and old → new by part of the names', async ({ helpdeskPage: page }) => {
  const username = `Audit-Target-${Date.now().toString(36)}`;
  const carol = await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${LAMBDA_SERVER}/carol` }));
  await sm.send(
    new CreateSecretCommand({
      Name: `aws/transfer/${LAMBDA_SERVER}/${username}`,
      SecretString: carol.SecretString,
      ClientRequestToken: randomUUID(),
    }),
  );

  const user = new UserPage(page);
  await user.open(username);
  await user.setDisabled(true, 'partner offboarded, ticket 7781');
  await expect(page.getByText(`${username} is now disabled`)).toBeVisible();

  await page.goto('/audit');
  const filters = page.getByRole('search', { name: 'Filter the audit trail' });
  await filters.getByLabel('User').fill(username.slice(0, 12).toLowerCase());
  await filters.getByLabel('Server (name or id)').fill('PARTNER-UPL');
  await filters.getByLabel('Changed by').fill('E2E-HELP');
  await filters.getByRole('button', { name: 'Filter' }).click();
  const row = page.getByRole('row', { name: new RegExp(`user\\.disable.*${username}`) });
  await expect(row).toBeVisible();
  await expect(row.getByRole('list', { name: 'Changes' })).toContainText('Disabled: no → yes');
  await expect(row).toContainText('Reason: partner offboarded, ticket 7781');

  await filters.getByLabel('Search').fill('TICKET 7781');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('row', { name: new RegExp(username) })).toHaveCount(1);

  await filters.getByLabel('Changed by').fill('someone-else');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No audit records match.')).toBeVisible();
});
