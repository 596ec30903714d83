// Secrets Manager (awsJson1_1, `secretsmanager.<Operation>`): the operations, stage movement,
// idempotency and errors as AWS documents them, or as recordings of AWS show them where it does not
// (LocalStack's snapshot tests, moto's AWS-verified tests). Secrets are per region: the region is
// the one the request was signed for.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, invalidParameter, invalidRequest, notFound } from '../errors';
import type { RegionState, SecretRecord, SecretVersion, Tag } from '../store';
import { pageOf } from './paging';
import type { ServiceContext, Operations } from './types';

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const MAX_VERSIONS = 100;
const DAY = 86_400;

type Input = Record<string, unknown>;
type SecretValue = { secretString?: string; secretBinary?: string };

const now = () => Math.floor(Date.now()) / 1000;

/** AWS's member path in validation messages: `SecretId` → `secretId`. */
const memberPath = (key: string) => `${key.charAt(0).toLowerCase()}${key.slice(1)}`;

function str(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', `Invalid type for parameter ${key}: expected a string.`);
  return value;
}

function requireStr(input: Input, key: string): string {
  const value = str(input, key);
  if (value === undefined) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${memberPath(key)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (value === '') {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '' at '${memberPath(key)}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  return value;
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}

const lastPurge = new WeakMap<RegionState, number>();

/** Drops secrets whose recovery window has ended; at most once a second, as windows last days. */
function purgeExpired(ctx: ServiceContext): void {
  const region = ctx.store.region(ctx.region);
  const t = now();
  if ((lastPurge.get(region) ?? -Infinity) > t - 1) return;
  lastPurge.set(region, t);
  for (const secret of [...region.secrets.values()]) {
    if (secret.deletedDate !== undefined && secret.deletedDate <= t) ctx.store.deleteSecret(ctx.region, secret.name);
  }
}

/** The name inside a secret ARN of this account and region, with and without its 6-character suffix. */
function namesFromArn(ctx: ServiceContext, arn: string): string[] {
  const prefix = `arn:aws:secretsmanager:${ctx.region}:${ctx.store.state.accountId}:secret:`;
  if (!arn.startsWith(prefix)) return [];
  const rest = arn.slice(prefix.length);
  return /-[A-Za-z0-9]{6}$/.test(rest) ? [rest.slice(0, -7), rest] : [rest];
}

/** Finds a secret of the request's region by name, full ARN or partial ARN (without the random suffix). */
function find(ctx: ServiceContext, secretId: string): SecretRecord | undefined {
  purgeExpired(ctx);
  const secrets = ctx.store.region(ctx.region).secrets;
  const byName = secrets.get(secretId);
  if (byName) return byName;
  if (!secretId.startsWith('arn:')) return undefined;
  for (const name of namesFromArn(ctx, secretId)) {
    const secret = secrets.get(name);
    if (secret && (secret.arn === secretId || secret.arn.slice(0, -7) === secretId)) return secret;
  }
  return undefined;
}

/**
 * The prologue of every operation on one secret: `SecretId` validated, the secret found in the
 * request's region, and (unless `deleted: 'allowed'`) refused while it is scheduled for deletion.
 */
function secretFor(input: Input, ctx: ServiceContext, options: { deleted?: 'allowed' | 'refused' } = {}): SecretRecord {
  const secret = find(ctx, requireStr(input, 'SecretId'));
  if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
  if (options.deleted !== 'allowed' && secret.deletedDate !== undefined) {
    throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
  }
  return secret;
}

function save(ctx: ServiceContext, secret: SecretRecord): void {
  ctx.store.putSecret(ctx.region, secret);
}

/** Parameters of features the local stack does not emulate are refused, never silently ignored. */
function refuseUnsupported(input: Input, keys: string[]): void {
  for (const key of keys) {
    const value = input[key];
    if (value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    throw invalidRequest(`The local stack does not emulate ${key} (replication and rotation are not supported); nothing was changed.`);
  }
}

function secretValue(input: Input): SecretValue {
  const secretString = str(input, 'SecretString');
  const binary = input.SecretBinary;
  if (secretString !== undefined && binary !== undefined && binary !== null) {
    throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (secretString !== undefined && (secretString.length < 1 || secretString.length > 65_536)) {
    throw invalidParameter('SecretString must be 1 to 65536 characters.');
  }
  if (binary !== undefined && binary !== null) {
    if (typeof binary !== 'string') throw new AwsError('SerializationException', 'Invalid type for parameter SecretBinary: expected base64 text.');
    if (binary.length === 0 || Buffer.from(binary, 'base64').length > 65_536) throw invalidParameter('SecretBinary must be 1 to 65536 bytes.');
    return { secretBinary: binary };
  }
  return secretString === undefined ? {} : { secretString };
}

const hasValue = (value: SecretValue) => value.secretString !== undefined || value.secretBinary !== undefined;

function sameValue(version: SecretVersion, value: SecretValue): boolean {
  return version.secretString === value.secretString && version.secretBinary === value.secretBinary;
}

function requestToken(input: Input): string {
  const token = str(input, 'ClientRequestToken');
  if (token === undefined) return randomUUID();
  if (token.length < 32 || token.length > 64) throw invalidParameter('ClientRequestToken must be 32-64 characters long.');
  return token;
}

/** AWS's answer to a token already used for a version holding another value. */
function tokenInUse(token: string, secret: SecretRecord): AwsError {
  return new AwsError(
    'ResourceExistsException',
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secret.arn}.`,
  );
}

/** Attaches `stage` to `version`, taking it from whoever has it; AWSCURRENT leaves AWSPREVIOUS behind. */
function moveStage(secret: SecretRecord, stage: string, target: SecretVersion): void {
  const holder = secret.versions.find((version) => version.stages.includes(stage));
  if (holder === target) return;
  if (holder) holder.stages = holder.stages.filter((s) => s !== stage);
  target.stages.push(stage);
  if (stage === 'AWSCURRENT') {
    target.stages = target.stages.filter((s) => s !== 'AWSPREVIOUS');
    if (holder) {
      for (const version of secret.versions) version.stages = version.stages.filter((s) => s !== 'AWSPREVIOUS');
      holder.stages.push('AWSPREVIOUS');
    }
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

function addVersion(secret: SecretRecord, versionId: string, value: SecretValue, stages: string[]): SecretVersion {
  const version: SecretVersion = { versionId, ...value, createdDate: now(), stages: [] };
  // A secret's first value is its current one, whatever other stages were asked for.
  const wanted = secret.versions.some((v) => v.stages.includes('AWSCURRENT')) || stages.includes('AWSCURRENT') ? stages : [...stages, 'AWSCURRENT'];
  secret.versions.push(version);
  for (const stage of wanted) moveStage(secret, stage, version);
  secret.lastChangedDate = now();
  pruneVersions(secret);
  return version;
}

function findVersion(secret: SecretRecord, input: Input): SecretVersion {
  const versionId = str(input, 'VersionId');
  const stage = str(input, 'VersionStage');
  if (versionId !== undefined) {
    const version = secret.versions.find((v) => v.versionId === versionId);
    if (!version) throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    // Recorded from AWS (LocalStack test_get_secret_value_errors, moto SecretStageVersionMismatchException).
    if (stage !== undefined && !version.stages.includes(stage))
      throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
    return version;
  }
  const wanted = stage ?? 'AWSCURRENT';
  const version = secret.versions.find((v) => v.stages.includes(wanted));
  if (!version) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${wanted}`);
  return version;
}

/** AWS records the day (midnight UTC) a secret and a version were last read; a read journals it at most once a day. */
function markAccessed(ctx: ServiceContext, secret: SecretRecord, version: SecretVersion): void {
  const day = Math.floor(Date.now() / (DAY * 1000)) * DAY;
  if (secret.lastAccessedDate === day && version.lastAccessedDate === day) return;
  ctx.store.markSecretAccessed(ctx.region, secret, version, day);
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

/** Versions with a staging label; absent altogether when there are none (AWS omits the key). */
function versionsToStages(secret: SecretRecord): Record<string, string[]> | undefined {
  const staged = secret.versions.filter((v) => v.stages.length > 0);
  if (staged.length === 0) return undefined;
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const version of staged) map[version.versionId] = [...version.stages];
  return map;
}

/** DescribeSecret and ListSecrets entries: AWS omits what a secret does not have (no RotationEnabled without rotation, no Tags before tagging, no empty Description). */
function describe(secret: SecretRecord, stagesKey: 'VersionIdsToStages' | 'SecretVersionsToStages') {
  const stages = versionsToStages(secret);
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    LastChangedDate: secret.lastChangedDate,
    ...(secret.lastAccessedDate !== undefined ? { LastAccessedDate: secret.lastAccessedDate } : {}),
    ...(secret.deletedDate !== undefined ? { DeletedDate: secret.deletedDate } : {}),
    ...(secret.tags !== undefined ? { Tags: secret.tags.map((tag) => ({ ...tag })) } : {}),
    ...(stages ? { [stagesKey]: stages } : {}),
    CreatedDate: secret.createdDate,
  };
}

function tagsInput(value: unknown): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AwsError('SerializationException', 'Invalid type for parameter Tags: expected a list.');
  return value.map((tag: unknown, index) => {
    const { Key, Value } = (tag !== null && typeof tag === 'object' ? tag : {}) as Record<string, unknown>;
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'tags.${index + 1}.member.key' failed to satisfy constraint: Member must have length between 1 and 128`,
      );
    }
    if (Value !== undefined && Value !== null && (typeof Value !== 'string' || Value.length > 256)) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'tags.${index + 1}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
      );
    }
    return { Key, Value: typeof Value === 'string' ? Value : '' };
  });
}

function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((tag) => [tag.Key, tag]));
  for (const tag of added) merged.set(tag.Key, tag);
  return [...merged.values()];
}

// ---------------------------------------------------------------------------------------------
// ListSecrets / BatchGetSecretValue filters. Followed: AWS's "Find secrets" guide and moto's
// list_secrets/filters.py (written from tests against AWS): `name`, `tag-key` and `tag-value` are
// case-sensitive prefix matches of the whole value; `description` and `all` split both the filter
// value and the attribute into words (whitespace, `/ _ + = . @ -`, camelCase) and need every word
// of the value to start a word of one attribute, without regard to case. A value starting with `!`
// matches a secret whose attribute does not match the rest. Values of one filter OR together,
// filters AND together.

const FILTER_KEYS = new Set(['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all']);
// The enum AWS prints (recorded in moto's test_with_invalid_filter_key).
const FILTER_KEYS_MESSAGE = '[all, name, tag-key, description, tag-value]';
const FILTER_VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]{0,512}$/;

type Filter = { Key: string; Values: string[] };

function readFilters(value: unknown): Filter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AwsError('SerializationException', 'Invalid type for parameter Filters: expected a list.');
  if (value.length > 10)
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  return value.map((filter: unknown, index) => {
    const { Key, Values } = (filter !== null && typeof filter === 'object' ? filter : {}) as Record<string, unknown>;
    if (Key === undefined || Key === null) throw invalidParameter('Invalid filter key');
    if (typeof Key !== 'string' || !FILTER_KEYS.has(Key)) {
      const shown = typeof Key === 'string' ? Key : JSON.stringify(Key);
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${shown}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: ${FILTER_KEYS_MESSAGE}`,
      );
    }
    if (!Array.isArray(Values) || Values.length === 0) throw invalidParameter(`Invalid filter values for key: ${Key}`);
    if (Values.length > 10) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'filters.${index + 1}.member.values' failed to satisfy constraint: Member must have length less than or equal to 10`,
      );
    }
    for (const item of Values) {
      if (typeof item !== 'string' || !FILTER_VALUE_PATTERN.test(item)) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '[${Values.map((v) => String(v)).join(', ')}]' at 'filters.${index + 1}.member.values' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 512, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$]`,
        );
      }
    }
    return { Key, Values: Values as string[] };
  });
}

/** The words AWS searches: whitespace and `/ _ + = . @ -` separate words, and so does camelCase (`AppBeta` → App, Beta). */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s/_+=.@-]+/)
    .flatMap((chunk) => chunk.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .filter(Boolean);
}

function wordsMatch(value: string, attribute: string): boolean {
  const wanted = splitWords(value).map((w) => w.toLowerCase());
  if (wanted.length === 0) return false;
  const words = splitWords(attribute).map((w) => w.toLowerCase());
  return wanted.every((w) => words.some((word) => word.startsWith(w)));
}

function attributesFor(secret: SecretRecord, key: string): string[] {
  const tags = secret.tags ?? [];
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description ? [secret.description] : [];
    case 'tag-key':
      return tags.map((t) => t.Key);
    case 'tag-value':
      return tags.map((t) => t.Value);
    case 'owning-service':
      return tags.filter((t) => t.Key === 'aws:secretsmanager:owningService').map((t) => t.Value);
    case 'all':
      return [secret.name, ...(secret.description ? [secret.description] : []), ...tags.flatMap((t) => [t.Key, t.Value])];
    default:
      return []; // primary-region: only replicated secrets have one, and replication is not emulated
  }
}

function matchesValue(key: string, attribute: string, value: string): boolean {
  if (key === 'description' || key === 'all' || key === 'owning-service') return wordsMatch(value, attribute);
  return attribute.startsWith(value);
}

function matchesFilters(secret: SecretRecord, filters: Filter[]): boolean {
  return filters.every((filter) => {
    const attributes = attributesFor(secret, filter.Key);
    return filter.Values.some((value) =>
      value.startsWith('!')
        ? attributes.some((attribute) => !matchesValue(filter.Key, attribute, value.slice(1)))
        : attributes.some((attribute) => matchesValue(filter.Key, attribute, value)),
    );
  });
}

function maxResults(input: Input, max: number): number | undefined {
  const value = input.MaxResults;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new AwsError('SerializationException', 'Invalid type for parameter MaxResults: expected an integer.');
  if (value < 1)
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  if (value > max)
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  return value;
}

function page<T>(items: T[], input: Input, size: number) {
  return pageOf(items, str(input, 'NextToken'), size, () => new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.'));
}

function liveSecrets(ctx: ServiceContext, includeDeleted: boolean, filters: Filter[]): SecretRecord[] {
  purgeExpired(ctx);
  return [...ctx.store.region(ctx.region).secrets.values()].filter(
    (secret) => (includeDeleted || secret.deletedDate === undefined) && matchesFilters(secret, filters),
  );
}

const byCreation = (a: SecretRecord, b: SecretRecord) => a.createdDate - b.createdDate || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
/** ListSecrets SortBy; ties fall back to creation order. */
const SORT_KEYS = new Map<string, (a: SecretRecord, b: SecretRecord) => number>([
  ['created-date', (a, b) => compare(a.createdDate, b.createdDate)],
  ['last-accessed-date', (a, b) => compare(a.lastAccessedDate ?? 0, b.lastAccessedDate ?? 0)],
  ['last-changed-date', (a, b) => compare(a.lastChangedDate, b.lastChangedDate)],
  ['name', (a, b) => compare(a.name, b.name)],
]);

function secretArn(ctx: ServiceContext, name: string): string {
  return `arn:aws:secretsmanager:${ctx.region}:${ctx.store.state.accountId}:secret:${name}-${randomSuffix()}`;
}

export const secretsManagerOperations: Operations = {
  CreateSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const name = requireStr(input, 'Name');
      if (!NAME_PATTERN.test(name)) {
        throw new AwsError(
          'ValidationException',
          'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
        );
      }
      refuseUnsupported(input, ['AddReplicaRegions', 'ForceOverwriteReplicaSecret']);
      const value = secretValue(input);
      const token = requestToken(input);
      const tags = tagsInput(input.Tags);
      if (tags.length > 50) throw invalidParameter('A secret can have at most 50 tags.');
      const description = str(input, 'Description');
      const kmsKeyId = str(input, 'KmsKeyId');
      const existing = find(ctx, name);
      if (existing) {
        if (existing.deletedDate !== undefined) {
          throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        const version = existing.versions.find((v) => v.versionId === token);
        if (version) {
          if (!sameValue(version, value)) throw tokenInUse(token, existing);
          return { ARN: existing.arn, Name: existing.name, VersionId: version.versionId };
        }
        throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      }
      const created = now();
      const secret: SecretRecord = {
        arn: secretArn(ctx, name),
        name,
        ...(description !== undefined ? { description } : {}),
        ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
        ...(tags.length > 0 ? { tags } : {}),
        createdDate: created,
        lastChangedDate: created,
        versions: [],
      };
      if (hasValue(value)) addVersion(secret, token, value, ['AWSCURRENT']);
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name, ...(hasValue(value) ? { VersionId: token } : {}) };
    },
  },

  GetSecretValue: {
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      const version = findVersion(secret, input);
      markAccessed(ctx, secret, version);
      return valueResponse(secret, version);
    },
  },

  BatchGetSecretValue: {
    handler(input: Input, ctx: ServiceContext) {
      const ids = input.SecretIdList;
      const filters = readFilters(input.Filters);
      const hasIds = ids !== undefined && ids !== null;
      if (hasIds === filters.length > 0) throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
      const size = maxResults(input, 20);
      // Recorded in moto's batch_get_secret_value: MaxResults pages filter results only.
      if (size !== undefined && filters.length === 0)
        throw invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
      if (hasIds) {
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
          throw new AwsError('SerializationException', 'Invalid type for parameter SecretIdList: expected a list of strings.');
        if (ids.length < 1 || ids.length > 20) {
          throw new AwsError(
            'ValidationException',
            "1 validation error detected: Value at 'secretIdList' failed to satisfy constraint: Member must have length between 1 and 20",
          );
        }
        const SecretValues: unknown[] = [];
        const Errors: unknown[] = [];
        for (const id of ids as string[]) {
          const secret = find(ctx, id);
          const current = secret?.versions.find((v) => v.stages.includes('AWSCURRENT'));
          if (!secret) {
            Errors.push({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
          } else if (secret.deletedDate !== undefined) {
            Errors.push({
              SecretId: id,
              ErrorCode: 'InvalidRequestException',
              Message: "You can't perform this operation on the secret because it was marked for deletion.",
            });
          } else if (!current) {
            Errors.push({
              SecretId: id,
              ErrorCode: 'ResourceNotFoundException',
              Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
            });
          } else {
            markAccessed(ctx, secret, current);
            SecretValues.push(valueResponse(secret, current));
          }
        }
        return { SecretValues, Errors };
      }
      const matching = liveSecrets(ctx, false, filters).sort(byCreation);
      const { items, nextToken } = page(matching, input, size ?? 20);
      const SecretValues = items.flatMap((secret) => {
        const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
        if (current) markAccessed(ctx, secret, current);
        return current ? [valueResponse(secret, current)] : [];
      });
      return { SecretValues, Errors: [], ...(nextToken ? { NextToken: nextToken } : {}) };
    },
  },

  PutSecretValue: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      // AWS refuses a missing or empty value with this request error (moto test_put_secret_value_requires_secret_string_or_binary).
      if (!input.SecretString && !input.SecretBinary) throw invalidRequest('You must provide either SecretString or SecretBinary.');
      const value = secretValue(input);
      refuseUnsupported(input, ['RotationToken']);
      const token = requestToken(input);
      const stages = input.VersionStages === undefined || input.VersionStages === null ? ['AWSCURRENT'] : input.VersionStages;
      if (
        !Array.isArray(stages) ||
        stages.length < 1 ||
        stages.length > 20 ||
        stages.some((s) => typeof s !== 'string' || s.length < 1 || s.length > 256)
      ) {
        throw invalidParameter('VersionStages must be a list of 1 to 20 staging labels of 1 to 256 characters.');
      }
      const existing = secret.versions.find((v) => v.versionId === token);
      if (existing) {
        if (!sameValue(existing, value)) throw tokenInUse(token, secret);
        return { ARN: secret.arn, Name: secret.name, VersionId: existing.versionId, VersionStages: [...existing.stages] };
      }
      const version = addVersion(secret, token, value, stages as string[]);
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
    },
  },

  UpdateSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      const value = secretValue(input);
      const description = str(input, 'Description');
      const kmsKeyId = str(input, 'KmsKeyId');
      const token = hasValue(value) ? requestToken(input) : undefined;
      const existing = token === undefined ? undefined : secret.versions.find((v) => v.versionId === token);
      if (existing && token !== undefined && !sameValue(existing, value)) throw tokenInUse(token, secret);
      if (description !== undefined) secret.description = description;
      if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
      secret.lastChangedDate = now();
      const version = token === undefined ? undefined : (existing ?? addVersion(secret, token, value, ['AWSCURRENT']));
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
    },
  },

  UpdateSecretVersionStage: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      const stage = requireStr(input, 'VersionStage');
      const removeFrom = str(input, 'RemoveFromVersionId');
      const moveTo = str(input, 'MoveToVersionId');
      const holder = secret.versions.find((v) => v.stages.includes(stage));
      const target = moveTo === undefined ? undefined : secret.versions.find((v) => v.versionId === moveTo);
      if (moveTo !== undefined && !target) throw invalidParameter(`Not a valid version: ${moveTo}`);
      if (removeFrom !== undefined && !secret.versions.some((v) => v.versionId === removeFrom))
        throw invalidParameter(`Not a valid version: ${removeFrom}`);
      if (holder && target && holder !== target && removeFrom === undefined) {
        throw invalidParameter(
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (removeFrom !== undefined && holder?.versionId !== removeFrom) {
        throw invalidParameter(
          `When you move staging label ${stage}, if you specify RemoveFromVersionId, it must be set to the version that currently has the staging label ${stage}.`,
        );
      }
      if (target) {
        moveStage(secret, stage, target);
      } else if (holder) {
        if (stage === 'AWSCURRENT') throw invalidParameter('You can only move the staging label AWSCURRENT to another version, not remove it.');
        holder.stages = holder.stages.filter((s) => s !== stage);
      }
      secret.lastChangedDate = now();
      pruneVersions(secret);
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name };
    },
  },

  DescribeSecret: {
    handler(input: Input, ctx: ServiceContext) {
      return describe(secretFor(input, ctx, { deleted: 'allowed' }), 'VersionIdsToStages');
    },
  },

  ListSecrets: {
    handler(input: Input, ctx: ServiceContext) {
      const filters = readFilters(input.Filters);
      const includeDeleted = input.IncludePlannedDeletion === true;
      const sortOrder = str(input, 'SortOrder') ?? 'asc';
      if (sortOrder !== 'asc' && sortOrder !== 'desc') {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${sortOrder}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]`,
        );
      }
      const sortBy = str(input, 'SortBy') ?? 'created-date';
      const order = SORT_KEYS.get(sortBy);
      if (!order) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${sortBy}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${[...SORT_KEYS.keys()].join(', ')}]`,
        );
      }
      const size = maxResults(input, 100) ?? 100;
      const matching = liveSecrets(ctx, includeDeleted, filters).sort((a, b) => (order(a, b) || byCreation(a, b)) * (sortOrder === 'asc' ? 1 : -1));
      const { items, nextToken } = page(matching, input, size);
      return { SecretList: items.map((secret) => describe(secret, 'SecretVersionsToStages')), ...(nextToken ? { NextToken: nextToken } : {}) };
    },
  },

  ListSecretVersionIds: {
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx, { deleted: 'allowed' });
      const includeDeprecated = input.IncludeDeprecated === true;
      const versions = secret.versions.filter((v) => includeDeprecated || v.stages.length > 0).reverse();
      const { items, nextToken } = page(versions, input, maxResults(input, 100) ?? 100);
      return {
        ARN: secret.arn,
        Name: secret.name,
        Versions: items.map((v) => ({
          VersionId: v.versionId,
          VersionStages: [...v.stages],
          CreatedDate: v.createdDate,
          ...(v.lastAccessedDate !== undefined ? { LastAccessedDate: v.lastAccessedDate } : {}),
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
  },

  DeleteSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secretId = requireStr(input, 'SecretId');
      const force = input.ForceDeleteWithoutRecovery === true;
      const windowInput = input.RecoveryWindowInDays;
      const hasWindow = windowInput !== undefined && windowInput !== null;
      if (hasWindow && (typeof windowInput !== 'number' || !Number.isInteger(windowInput) || windowInput < 7 || windowInput > 30)) {
        throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
      }
      if (force && hasWindow) throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      const secret = find(ctx, secretId);
      if (!secret) {
        if (!force) throw notFound("Secrets Manager can't find the specified secret.");
        // AWS answers a forced delete of a missing secret as done: there is nothing left to delete.
        const name = secretId.startsWith('arn:') ? (namesFromArn(ctx, secretId)[0] ?? secretId) : secretId;
        return { ARN: secretId.startsWith('arn:') ? secretId : secretArn(ctx, name), Name: name, DeletionDate: now() };
      }
      if (force) {
        ctx.store.deleteSecret(ctx.region, secret.name);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: now() };
      }
      if (secret.deletedDate !== undefined) {
        throw invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
      }
      secret.deletedDate = now() + (hasWindow ? windowInput : 30) * DAY;
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletedDate };
    },
  },

  RestoreSecret: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx, { deleted: 'allowed' });
      delete secret.deletedDate;
      secret.lastChangedDate = now();
      save(ctx, secret);
      return { ARN: secret.arn, Name: secret.name };
    },
  },

  TagResource: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      const tags = tagsInput(input.Tags);
      if (tags.length === 0) throw invalidParameter('You must provide at least one tag.');
      const merged = mergeTags(secret.tags ?? [], tags);
      if (merged.length > 50) throw invalidParameter('A secret can have at most 50 tags.');
      secret.tags = merged;
      save(ctx, secret);
      return {};
    },
  },

  UntagResource: {
    mutates: true,
    handler(input: Input, ctx: ServiceContext) {
      const secret = secretFor(input, ctx);
      const keys = input.TagKeys;
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))
        throw new AwsError('SerializationException', 'Invalid type for parameter TagKeys: expected a list of strings.');
      if (secret.tags === undefined) return {};
      secret.tags = secret.tags.filter((tag) => !keys.includes(tag.Key));
      save(ctx, secret);
      return {};
    },
  },
};
