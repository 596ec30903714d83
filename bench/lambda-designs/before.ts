// A reference for `npm run bench -- lambda`: the design before the cold-start work, i.e. the SDK's
// Secrets Manager client and every contract schema built at import (the bundle then carried zod),
// built with the same settings, so the goal (half its import time) is measured in the same run.
export { handler } from './sdk-client';
export { userSecretInputSchema } from '../../lib/secret/contract';
