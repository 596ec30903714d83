// The Lambda entry point. The SDK client is created once per container and reuses its connections;
// region and endpoint come from the environment (AWS_REGION, AWS_ENDPOINT_URL*), as the SDK reads them.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHandler } from './handler';

export const handler = createHandler({ client: new SecretsManagerClient({ maxAttempts: 3 }) });

/** Which argon2 implementation this runtime uses (`node:crypto` on nodejs24.x); read by the wire tests. */
export { argon2Backend } from '../lib/secret/password';
