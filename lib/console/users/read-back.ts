// After a write AWS did not confirm: what is stored now. A 500 or a dropped connection may come
// after AWS applied the request, and the SDK's retry of a conditional request then fails its own
// condition, so the console reads back instead of trusting the error.
import 'server-only';
import { DescribeSecretCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { errorName, OutcomeUnknownError } from '../errors';
import { PENDING_STAGE, sm, type SecretsManagerSender } from './shared';

export type StoredState =
  | { exists: false }
  | {
      exists: true;
      deleted: boolean;
      deletionDate: string | null;
      currentVersionId: string | null;
      versionIds: ReadonlySet<string>;
      tags: ReadonlyMap<string, string>;
    };

const READ_BACK_ATTEMPTS = 4;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a call that is safe to repeat, with back-off, on anything but a definite answer. */
export async function withRetries<T>(
  call: () => Promise<T>,
  options: { attempts?: number; baseMs?: number; definite?: (err: unknown) => boolean } = {},
): Promise<T> {
  const attempts = options.attempts ?? READ_BACK_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || options.definite?.(err)) throw err;
      await pause((options.baseMs ?? 100) * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

/** The secret as stored, read with retries; `what` names the change for the message if even that fails. */
export async function readBack(SecretId: string, what: string, client: SecretsManagerSender = sm()): Promise<StoredState> {
  try {
    return await withRetries(
      async () => {
        try {
          const d = await client.send(new DescribeSecretCommand({ SecretId }));
          const stages = Object.entries(d.VersionIdsToStages ?? {});
          return {
            exists: true as const,
            deleted: d.DeletedDate !== undefined,
            deletionDate: d.DeletedDate ? d.DeletedDate.toISOString() : null,
            currentVersionId: stages.find(([, s]) => s.includes('AWSCURRENT'))?.[0] ?? null,
            versionIds: new Set(stages.map(([id]) => id)),
            tags: new Map((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          };
        } catch (err) {
          if (errorName(err) === 'ResourceNotFoundException') return { exists: false as const };
          throw err;
        }
      },
      { baseMs: 200 },
    );
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'read-back-failed', error: errorName(err) }));
    throw new OutcomeUnknownError(what);
  }
}

/** Takes the private stage off a version that did not become current, so no unused version is left. */
export async function dropPendingStage(SecretId: string, versionId: string, client: SecretsManagerSender = sm()): Promise<void> {
  try {
    await withRetries(
      () => client.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: PENDING_STAGE, RemoveFromVersionId: versionId })),
      {
        // The stage already moved on (another edit's pending version): nothing of ours is left.
        definite: (err) => errorName(err) === 'InvalidParameterException' || errorName(err) === 'ResourceNotFoundException',
      },
    );
  } catch (err) {
    if (errorName(err) === 'InvalidParameterException' || errorName(err) === 'ResourceNotFoundException') return;
    console.error(JSON.stringify({ level: 'error', event: 'pending-stage-cleanup-failed', error: errorName(err) }));
  }
}

/** Whether a failed request may still have been applied: anything but a definite refusal. */
export function mayHaveLanded(err: unknown): boolean {
  const name = errorName(err);
  return !DEFINITE_REFUSALS.has(name);
}

// AWS answers these having applied nothing (validation and state checks run before any change).
const DEFINITE_REFUSALS = new Set([
  'ResourceNotFoundException',
  'InvalidRequestException',
  'InvalidParameterException',
  'ValidationException',
  'ResourceExistsException',
  'LimitExceededException',
  'MalformedPolicyDocumentException',
  'EncryptionFailure',
  'DecryptionFailure',
  'AccessDeniedException',
  'PreconditionNotMetException',
]);
