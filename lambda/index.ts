// The Lambda entry point. The client is made once per container and keeps its connection alive;
// region, endpoint and credentials come from the environment (AWS_REGION, AWS_ENDPOINT_URL*,
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), as the SDK reads them.
import { createHandler } from './handler';
import { createSecretsManagerClient } from './secrets-manager';

export const handler = createHandler({ client: createSecretsManagerClient({ maxAttempts: 3 }) });

/** Which argon2 implementation this runtime uses (`node:crypto` on nodejs24.x); read by the wire tests. */
export { argon2Backend } from '../lib/secret/password';
