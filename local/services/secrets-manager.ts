// Secrets Manager (awsJson1_1, `secretsmanager.<Operation>`): the operations, stage movement,
// idempotency and errors as AWS documents them.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, invalidParameter, invalidRequest, notFound } from '../errors';
import type { SecretRecord, SecretVersion, State, Tag } from '../store';
import type { ServiceContext, Operations } from './types';

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const MAX_VERSIONS = 100;
const DAY = 86_400;

type Input = Record<string, unknown>;

const now = () => Math.floor(Date.now()) / 1000;

function str(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Invalid type for parameter ${key}.`);
  return value;
}

function requireStr(input: Input, key: string): string {
  const value = str(input, key);
  if (value === undefined || value === '') throw new AwsError('ValidationException', `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}

const lastPurge = new WeakMap<State, number>();

/** Drops secrets whose recovery window has ended; at most once a second, as windows last days. */
function purgeExpired(state: State): void {
  const t = now();
  if ((lastPurge.get(state) ?? -Infinity) > t - 1) return;
  lastPurge.set(state, t);
  for (const [name, secret] of Object.entries(state.secrets)) {
    if (secret.deletedDate !== undefined && secret.deletedDate <= t) delete state.secrets[name];
  }
}

/** Finds a secret by name, full ARN or partial ARN (without the random suffix). */
function find(state: State, secretId: string): SecretRecord | undefined {
  purgeExpired(state);
  const byName = state.secrets[secretId];
  if (byName) return byName;
  if (!secretId.startsWith('arn:')) return undefined;
  return Object.values(state.secrets).find((secret) => secret.arn === secretId || secret.arn.slice(0, -7) === secretId);
}

function requireSecret(state: State, secretId: string): SecretRecord {
  const secret = find(state, secretId);
  if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
  return secret;
}

function requireLive(secret: SecretRecord, operation = 'perform this operation on'): void {
  if (secret.deletedDate !== undefined) {
    throw invalidRequest(`You can't ${operation} the secret because it was marked for deletion.`);
  }
}

function secretValue(input: Input): { secretString?: string; secretBinary?: string } {
  const secretString = str(input, 'SecretString');
  const binary = input.SecretBinary;
  if (secretString !== undefined && binary !== undefined && binary !== null) {
    throw invalidParameter('You can\'t specify both a binary secret value and a string secret value in the same secret.');
  }
  if (secretString !== undefined && (secretString.length < 1 || secretString.length > 65_536)) {
    throw invalidParameter('SecretString must be 1 to 65536 characters.');
  }
  if (binary !== undefined && binary !== null) {
    if (typeof binary !== 'string') throw invalidParameter('Invalid type for parameter SecretBinary.');
    return { secretBinary: binary };
  }
  return secretString === undefined ? {} : { secretString };
}

function sameValue(version: SecretVersion, value: { secretString?: string; secretBinary?: string }): boolean {
  return version.secretString === value.secretString && version.secretBinary === value.secretBinary;
}

function requestToken(input: Input): string {
  const token = str(input, 'ClientRequestToken');
  if (token === undefined) return randomUUID();
  if (token.length < 32 || token.length > 64) throw invalidParameter('ClientRequestToken must be 32 to 64 characters.');
  return token;
}

/** Attaches `stage` to `version`, taking it from whoever has it; AWSCURRENT leaves AWSPREVIOUS behind. */
function moveStage(secret: SecretRecord, stage: string, target: SecretVersion): void {
  const holder = secret.versions.find((version) => version.stages.includes(stage));
  if (holder === target) return;
  if (holder) holder.stages = holder.stages.filter((s) => s !== stage);
  target.stages.push(stage);
  if (stage === 'AWSCURRENT' && holder) {
    for (const version of secret.versions) version.stages = version.stages.filter((s) => s !== 'AWSPREVIOUS');
    holder.stages.push('AWSPREVIOUS');
  }
}

/** AWS keeps about 100 versions; the oldest ones without a stage go first. */
function pruneVersions(secret: SecretRecord): void {
  while (secret.versions.length > MAX_VERSIONS) {
    const index = secret.versions.findIndex((version) => version.stages.length === 0);
    if (index < 0) return;
    secret.versions.splice(index, 1);
  }
}

function addVersion(secret: SecretRecord, versionId: string, value: { secretString?: string; secretBinary?: string }, stages: string[]): SecretVersion {
  const version: SecretVersion = { versionId, ...value, createdDate: now(), stages: [] };
  secret.versions.push(version);
  for (const stage of stages) moveStage(secret, stage, version);
  secret.lastChangedDate = now();
  pruneVersions(secret);
  return version;
}

function findVersion(secret: SecretRecord, input: Input): SecretVersion {
  const versionId = str(input, 'VersionId');
  const stage = str(input, 'VersionStage');
  if (versionId !== undefined) {
    const version = secret.versions.find((v) => v.versionId === versionId);
    if (!version || (stage !== undefined && !version.stages.includes(stage))) {
      throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    }
    return version;
  }
  const wanted = stage ?? 'AWSCURRENT';
  const version = secret.versions.find((v) => v.stages.includes(wanted));
  if (!version) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${wanted}`);
  return version;
}

function valueResponse(secret: SecretRecord, version: SecretVersion) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
    ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
    VersionStages: [...version.stages],
    CreatedDate: version.createdDate,
  };
}

function versionsToStages(secret: SecretRecord): Record<string, string[]> {
  return Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]));
}

function describe(secret: SecretRecord) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    RotationEnabled: false,
    LastChangedDate: secret.lastChangedDate,
    ...(secret.lastAccessedDate !== undefined ? { LastAccessedDate: secret.lastAccessedDate } : {}),
    ...(secret.deletedDate !== undefined ? { DeletedDate: secret.deletedDate } : {}),
    Tags: secret.tags.map((tag) => ({ ...tag })),
    CreatedDate: secret.createdDate,
  };
}

function tagsInput(value: unknown): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter('Invalid type for parameter Tags.');
  return value.map((tag) => {
    const { Key, Value } = (tag ?? {}) as Record<string, unknown>;
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) throw invalidParameter('Tag keys must be 1 to 128 characters.');
    if (Value !== undefined && typeof Value !== 'string') throw invalidParameter('Tag values must be strings.');
    return { Key, Value: (Value as string | undefined) ?? '' };
  });
}

function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = existing.filter((tag) => !added.some((a) => a.Key === tag.Key));
  return [...merged, ...added];
}

type Filter = { Key: string; Values: string[] };

function readFilters(value: unknown): Filter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter('Invalid type for parameter Filters.');
  const allowed = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'];
  return value.map((filter) => {
    const { Key, Values } = (filter ?? {}) as Record<string, unknown>;
    if (typeof Key !== 'string' || !allowed.includes(Key)) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${String(Key)}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    if (!Array.isArray(Values) || Values.some((v) => typeof v !== 'string')) throw invalidParameter('Filter values must be a list of strings.');
    return { Key, Values: Values as string[] };
  });
}

// AWS: description and all match without regard to case, the other keys are case-sensitive;
// `all` splits the value into words and matches any attribute that starts with one.
function matchesValue(key: string, candidates: string[], value: string): boolean {
  if (key === 'all') {
    const words = value.toLowerCase().split(/\s+/).filter(Boolean);
    return words.some((word) => candidates.some((candidate) => candidate.toLowerCase().split(/[\s/]+/).some((part) => part.startsWith(word)) || candidate.toLowerCase().startsWith(word)));
  }
  if (key === 'description') return candidates.some((candidate) => candidate.toLowerCase().startsWith(value.toLowerCase()));
  return candidates.some((candidate) => candidate.startsWith(value));
}

/** Filters AND together; a filter's values OR together; a value starting with `!` negates. */
function matchesFilters(secret: SecretRecord, filters: Filter[]): boolean {
  return filters.every((filter) => {
    const fields: Record<string, string[]> = {
      name: [secret.name],
      description: [secret.description ?? ''],
      'tag-key': secret.tags.map((t) => t.Key),
      'tag-value': secret.tags.map((t) => t.Value),
      'primary-region': [],
      'owning-service': [],
      all: [secret.name, secret.description ?? '', ...secret.tags.flatMap((t) => [t.Key, t.Value])],
    };
    const candidates = fields[filter.Key] ?? [];
    const positives = filter.Values.filter((v) => !v.startsWith('!'));
    const negatives = filter.Values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    if (negatives.some((value) => matchesValue(filter.Key, candidates, value))) return false;
    return positives.length === 0 || positives.some((value) => matchesValue(filter.Key, candidates, value));
  });
}

function pageArgs(input: Input, max: number): { start: number; size: number } {
  const maxResults = input.MaxResults;
  if (maxResults !== undefined && maxResults !== null && (typeof maxResults !== 'number' || maxResults < 1 || maxResults > max)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
  const token = str(input, 'NextToken');
  let start = 0;
  if (token !== undefined) {
    const decoded = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidParameter('Invalid NextToken.');
    start = decoded;
  }
  return { start, size: (maxResults as number | undefined) ?? max };
}

function nextToken(start: number, size: number, total: number): { NextToken?: string } {
  return start + size < total ? { NextToken: Buffer.from(String(start + size)).toString('base64url') } : {};
}

export const secretsManagerOperations: Operations = {
  CreateSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const name = requireStr(input, 'Name');
      if (!NAME_PATTERN.test(name)) {
        throw new AwsError('ValidationException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
      }
      const value = secretValue(input);
      const token = requestToken(input);
      const tags = tagsInput(input.Tags);
      const state = ctx.store.state;
      const existing = find(state, name);
      if (existing) {
        if (existing.deletedDate !== undefined) {
          throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        const version = existing.versions.find((v) => v.versionId === token);
        if (version && sameValue(version, value)) return { ARN: existing.arn, Name: existing.name, VersionId: version.versionId };
        throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      }
      const created = now();
      const secret: SecretRecord = {
        arn: `arn:aws:secretsmanager:${ctx.region}:${state.accountId}:secret:${name}-${randomSuffix()}`,
        name,
        ...(str(input, 'Description') !== undefined ? { description: str(input, 'Description') } : {}),
        ...(str(input, 'KmsKeyId') !== undefined ? { kmsKeyId: str(input, 'KmsKeyId') } : {}),
        tags,
        createdDate: created,
        lastChangedDate: created,
        versions: [],
      };
      state.secrets[name] = secret;
      if (value.secretString === undefined && value.secretBinary === undefined) return { ARN: secret.arn, Name: secret.name };
      addVersion(secret, token, value, ['AWSCURRENT']);
      return { ARN: secret.arn, Name: secret.name, VersionId: token };
    },
  },

  GetSecretValue: {
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const version = findVersion(secret, input);
      return valueResponse(secret, version);
    },
  },

  BatchGetSecretValue: {
    handler(input: Input, ctx: ServiceContext) {
      const ids = input.SecretIdList;
      const filters = readFilters(input.Filters);
      if ((ids === undefined || ids === null) === (filters.length === 0)) {
        throw invalidParameter('Either SecretIdList or Filters must be provided, but not both.');
      }
      const state = ctx.store.state;
      if (Array.isArray(ids)) {
        if (ids.length > 20) throw invalidParameter('SecretIdList can hold at most 20 secret ids.');
        const SecretValues: unknown[] = [];
        const Errors: unknown[] = [];
        for (const id of ids) {
          if (typeof id !== 'string') throw invalidParameter('SecretIdList must be a list of strings.');
          const secret = find(state, id);
          if (!secret) {
            Errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
            continue;
          }
          const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
          if (secret.deletedDate !== undefined || !current) {
            Errors.push({
              SecretId: id,
              ErrorCode: secret.deletedDate !== undefined ? 'InvalidRequestException' : 'ResourceNotFoundException',
              Message: secret.deletedDate !== undefined
                ? "You can't perform this operation on the secret because it was marked for deletion."
                : "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
            });
            continue;
          }
          SecretValues.push(valueResponse(secret, current));
        }
        return { SecretValues, Errors };
      }
      const matching = Object.values(state.secrets)
        .filter((secret) => secret.deletedDate === undefined && matchesFilters(secret, filters))
        .sort((a, b) => a.createdDate - b.createdDate || a.name.localeCompare(b.name));
      const { start, size } = pageArgs(input, 20);
      const page = matching.slice(start, start + size);
      const SecretValues = page.flatMap((secret) => {
        const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
        return current ? [valueResponse(secret, current)] : [];
      });
      return { SecretValues, Errors: [], ...nextToken(start, size, matching.length) };
    },
  },

  PutSecretValue: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const value = secretValue(input);
      if (value.secretString === undefined && value.secretBinary === undefined) {
        throw invalidParameter('You must provide either SecretString or SecretBinary.');
      }
      const token = requestToken(input);
      const stages = input.VersionStages === undefined || input.VersionStages === null ? ['AWSCURRENT'] : input.VersionStages;
      if (!Array.isArray(stages) || stages.length < 1 || stages.length > 20 || stages.some((s) => typeof s !== 'string' || s.length < 1 || s.length > 256)) {
        throw invalidParameter('VersionStages must be a list of 1 to 20 staging labels.');
      }
      const existing = secret.versions.find((v) => v.versionId === token);
      if (existing) {
        if (!sameValue(existing, value)) throw new AwsError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
        return { ARN: secret.arn, Name: secret.name, VersionId: existing.versionId, VersionStages: [...existing.stages] };
      }
      const version = addVersion(secret, token, value, stages as string[]);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
    },
  },

  UpdateSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const value = secretValue(input);
      const description = str(input, 'Description');
      const kmsKeyId = str(input, 'KmsKeyId');
      const hasValue = value.secretString !== undefined || value.secretBinary !== undefined;
      const token = hasValue ? requestToken(input) : undefined;
      if (token !== undefined) {
        const existing = secret.versions.find((v) => v.versionId === token);
        if (existing && !sameValue(existing, value)) throw new AwsError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
      }
      if (description !== undefined) secret.description = description;
      if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
      secret.lastChangedDate = now();
      if (token === undefined) return { ARN: secret.arn, Name: secret.name };
      const existing = secret.versions.find((v) => v.versionId === token);
      const version = existing ?? addVersion(secret, token, value, ['AWSCURRENT']);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId };
    },
  },

  UpdateSecretVersionStage: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const stage = requireStr(input, 'VersionStage');
      const removeFrom = str(input, 'RemoveFromVersionId');
      const moveTo = str(input, 'MoveToVersionId');
      const holder = secret.versions.find((v) => v.stages.includes(stage));
      const target = moveTo === undefined ? undefined : secret.versions.find((v) => v.versionId === moveTo);
      if (moveTo !== undefined && !target) throw invalidParameter(`The version ${moveTo} doesn't exist.`);
      if (removeFrom !== undefined && !secret.versions.some((v) => v.versionId === removeFrom)) {
        throw invalidParameter(`The version ${removeFrom} doesn't exist.`);
      }
      if (holder && target && holder !== target && holder.versionId !== removeFrom) {
        throw invalidParameter(
          `The staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (removeFrom !== undefined && (!holder || holder.versionId !== removeFrom)) {
        throw invalidParameter(`The staging label ${stage} is not attached to version ${removeFrom}.`);
      }
      if (target) {
        moveStage(secret, stage, target);
      } else if (holder) {
        if (stage === 'AWSCURRENT') throw invalidParameter('You can only move the staging label AWSCURRENT to another version, not remove it.');
        holder.stages = holder.stages.filter((s) => s !== stage);
      }
      secret.lastChangedDate = now();
      pruneVersions(secret);
      return { ARN: secret.arn, Name: secret.name };
    },
  },

  DescribeSecret: {
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      return { ...describe(secret), VersionIdsToStages: versionsToStages(secret) };
    },
  },

  ListSecrets: {
    handler(input: Input, ctx: ServiceContext) {
      const filters = readFilters(input.Filters);
      const includeDeleted = input.IncludePlannedDeletion === true;
      const sortOrder = str(input, 'SortOrder') ?? 'asc';
      if (sortOrder !== 'asc' && sortOrder !== 'desc') throw invalidParameter('SortOrder must be asc or desc.');
      purgeExpired(ctx.store.state);
      const matching = Object.values(ctx.store.state.secrets)
        .filter((secret) => (includeDeleted || secret.deletedDate === undefined) && matchesFilters(secret, filters))
        .sort((a, b) => (a.createdDate - b.createdDate || a.name.localeCompare(b.name)) * (sortOrder === 'asc' ? 1 : -1));
      const { start, size } = pageArgs(input, 100);
      const SecretList = matching.slice(start, start + size).map((secret) => ({ ...describe(secret), SecretVersionsToStages: versionsToStages(secret) }));
      return { SecretList, ...nextToken(start, size, matching.length) };
    },
  },

  ListSecretVersionIds: {
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      const includeDeprecated = input.IncludeDeprecated === true;
      const versions = secret.versions.filter((v) => includeDeprecated || v.stages.length > 0).reverse();
      const { start, size } = pageArgs(input, 100);
      return {
        ARN: secret.arn,
        Name: secret.name,
        Versions: versions.slice(start, start + size).map((v) => ({
          VersionId: v.versionId,
          VersionStages: [...v.stages],
          CreatedDate: v.createdDate,
          ...(v.lastAccessedDate !== undefined ? { LastAccessedDate: v.lastAccessedDate } : {}),
        })),
        ...nextToken(start, size, versions.length),
      };
    },
  },

  DeleteSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const state = ctx.store.state;
      const secret = requireSecret(state, requireStr(input, 'SecretId'));
      const force = input.ForceDeleteWithoutRecovery === true;
      const windowInput = input.RecoveryWindowInDays;
      if (force && windowInput !== undefined && windowInput !== null) {
        throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      }
      if (secret.deletedDate !== undefined && !force) {
        throw invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
      }
      if (force) {
        delete state.secrets[secret.name];
        return { ARN: secret.arn, Name: secret.name, DeletionDate: now() };
      }
      const days = windowInput === undefined || windowInput === null ? 30 : windowInput;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
        throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
      }
      secret.deletedDate = now() + days * DAY;
      return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletedDate };
    },
  },

  RestoreSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      delete secret.deletedDate;
      secret.lastChangedDate = now();
      return { ARN: secret.arn, Name: secret.name };
    },
  },

  TagResource: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const tags = tagsInput(input.Tags);
      if (tags.length === 0) throw invalidParameter('You must provide at least one tag.');
      const merged = mergeTags(secret.tags, tags);
      if (merged.length > 50) throw invalidParameter('A secret can have at most 50 tags.');
      secret.tags = merged;
      return {};
    },
  },

  UntagResource: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = requireSecret(ctx.store.state, requireStr(input, 'SecretId'));
      requireLive(secret);
      const keys = input.TagKeys;
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw invalidParameter('TagKeys must be a list of strings.');
      secret.tags = secret.tags.filter((tag) => !keys.includes(tag.Key));
      return {};
    },
  },
};
