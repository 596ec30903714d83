// Bulk jobs pace every request of a rate-limited operation, the SDK's own retries included: a retry
// that skipped the limiter would push a throttled job over Secrets Manager's quota.
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAwsClients } from '@/lib/aws/clients';
import { pacedSecretsManager } from '@/lib/console/bulk/client';
import { parseFaults } from '@/local/faults';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SECRET = 'aws/transfer/s-1a2b3c4d5e6f70819/paced';
const faults = parseFaults('');
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ faults });
  configureAwsClients(stack.clientConfig);
  await new SecretsManagerClient(stack.clientConfig).send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"Password":"x"}' }));
});
afterAll(async () => {
  await stack.dispose();
});

describe('pacedSecretsManager', () => {
  it('waits for the limiter before every attempt of a paced operation, and only of those', async () => {
    let waits = 0;
    const attempts: [number, string][] = [];
    const client = pacedSecretsManager(
      {
        PutSecretValueCommand: () => {
          waits++;
          return Promise.resolve();
        },
      },
      (attempt, command) => attempts.push([attempt, command]),
    );
    // Every PutSecretValue is throttled: the bulk client's standard retries make three attempts.
    faults.throttle = 1;
    faults.operations = ['PutSecretValue'];
    await expect(client.send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: '{"Password":"y"}' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(waits).toBe(3);
    expect(attempts).toEqual([
      [1, 'PutSecretValueCommand'],
      [2, 'PutSecretValueCommand'],
      [3, 'PutSecretValueCommand'],
    ]);

    faults.throttle = 0;
    const read = await client.send(new GetSecretValueCommand({ SecretId: SECRET }));
    expect(read.SecretString).toBe('{"Password":"x"}');
    expect(waits).toBe(3);
    expect(attempts.at(-1)).toEqual([1, 'GetSecretValueCommand']);
  });
});
