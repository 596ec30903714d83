// A reference for `npm run bench -- lambda`: the same handler over the AWS SDK's Secrets Manager
// client (the Lambda's client before lambda/secrets-manager.ts), built with the same settings.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHandler } from '../../lambda/handler';

const sdk = new SecretsManagerClient({ maxAttempts: 3 });

export const handler = createHandler({ client: { getSecretValue: (input) => sdk.send(new GetSecretValueCommand(input)) } });
