// The console's IAM policy (infra/console-policy.json) and the Lambda's (lambda/template.yaml) allow
// every AWS operation the code sends, and nothing it does not: the operations are read from the SDK
// command classes and paginators the code imports, so policy and code cannot drift apart.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { readConsolePolicy, renderConsolePolicy, type PolicyDocument, type PolicyStatement } from '@/scripts/console-policy';

const root = path.resolve(import.meta.dirname, '../..');

/** IAM's service prefix for each SDK v3 client package the project may import. */
const IAM_PREFIX = new Map([
  ['secrets-manager', 'secretsmanager'],
  ['transfer', 'transfer'],
  ['efs', 'elasticfilesystem'],
  ['iam', 'iam'],
  ['cloudwatch-logs', 'logs'],
]);

function sourceFiles(entry: string): string[] {
  const full = path.join(root, entry);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).flatMap((child) => (child === 'node_modules' || child === 'dist' ? [] : sourceFiles(path.join(entry, child))));
}

/** IAM's service prefix for each JSON-protocol target prefix a hand-written client may send (`X-Amz-Target`). */
const TARGET_IAM_PREFIX = new Map([['secretsmanager', 'secretsmanager']]);

/**
 * `secretsmanager:GetSecretValue` for every `GetSecretValueCommand` or `paginateListSecrets` imported,
 * and for every `'secretsmanager.GetSecretValue'` target a hand-written client sends (the Lambda's own
 * client, lambda/secrets-manager.ts, whose tests check it sends exactly that target).
 */
function operationsSentBy(entries: string[]): Set<string> {
  const actions = new Set<string>();
  const importPattern = /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]/g;
  const targetPattern = /['"`]([a-z0-9]+)\.([A-Z]\w+)['"`]/g;
  for (const file of entries.flatMap(sourceFiles).filter((f) => /\.(ts|tsx|mts)$/.test(f))) {
    for (const match of readFileSync(file, 'utf8').matchAll(targetPattern)) {
      const prefix = TARGET_IAM_PREFIX.get(match[1]!);
      if (prefix) actions.add(`${prefix}:${match[2]!}`);
    }
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (/^import\s+type/.test(match[0])) continue;
      const prefix = IAM_PREFIX.get(match[2]!);
      for (const specifier of match[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (specifier.startsWith('type ')) continue;
        const name = specifier.split(/\s+as\s+/)[0]!;
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (!operation) continue;
        if (!prefix)
          throw new Error(
            `${path.relative(root, file)} imports @aws-sdk/client-${match[2]}: add its IAM prefix to this test and its actions to the policy`,
          );
        actions.add(`${prefix}:${operation}`);
      }
    }
  }
  return actions;
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const matches = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(action);

function allowing(policy: { Statement: PolicyStatement[] }, action: string): PolicyStatement[] {
  return policy.Statement.filter((s) => s.Effect === 'Allow' && list(s.Action).some((pattern) => matches(pattern, action)));
}

// CloudFormation's short forms, read as their long forms.
const cfnTags: (ScalarTag | CollectionTag)[] = ['Sub', 'Ref', 'GetAtt', 'If', 'Not', 'Equals', 'Join', 'Select', 'And', 'Or', 'Condition'].flatMap(
  (name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    return (['scalar', 'seq', 'map'] as const).map((kind) =>
      kind === 'scalar'
        ? ({ tag: `!${name}`, resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }) } satisfies ScalarTag)
        : { tag: `!${name}`, collection: kind, resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) },
    );
  },
);
const readTemplate = (file: string) =>
  parse(readFileSync(path.join(root, file), 'utf8'), { customTags: cfnTags }) as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
  };

const consoleOperations = operationsSentBy(['app', 'components', 'lib', 'proxy.ts']);
const consolePolicy = readConsolePolicy();

describe('the console IAM policy (infra/console-policy.json)', () => {
  it('finds the operations the console sends', () => {
    // A floor, so that a broken import scan cannot pass every check below by finding nothing.
    for (const action of ['secretsmanager:CreateSecret', 'secretsmanager:ListSecrets', 'transfer:DescribeServer', 'logs:PutLogEvents']) {
      expect(consoleOperations).toContain(action);
    }
  });

  it('allows every operation the console code sends', () => {
    const denied = [...consoleOperations].filter((action) => allowing(consolePolicy, action).length === 0);
    expect(denied).toEqual([]);
  });

  it('allows nothing the console does not send (least privilege), KMS for customer keys aside', () => {
    const unused = consolePolicy.Statement.flatMap((s) => list(s.Action)).filter(
      (action) => !action.startsWith('kms:') && ![...consoleOperations].some((used) => matches(action, used)),
    );
    expect(unused).toEqual([]);
    expect(consolePolicy.Statement.flatMap((s) => list(s.Action)).some((action) => action.includes('*'))).toBe(false);
  });

  it('scopes secret reads and writes to the secret prefix; ListSecrets and BatchGetSecretValue take no resource type', () => {
    const secretArn = 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${SecretPrefix}*';
    for (const action of [...consoleOperations].filter((a) => a.startsWith('secretsmanager:'))) {
      const resources = allowing(consolePolicy, action).flatMap((s) => list(s.Resource));
      if (action === 'secretsmanager:ListSecrets' || action === 'secretsmanager:BatchGetSecretValue') expect(resources, action).toEqual(['*']);
      else expect(resources, action).toEqual([secretArn]);
    }
    // BatchGetSecretValue also needs GetSecretValue on each secret, and ListSecrets when filters are used.
    expect(allowing(consolePolicy, 'secretsmanager:GetSecretValue')).not.toHaveLength(0);
    expect(allowing(consolePolicy, 'secretsmanager:ListSecrets')).not.toHaveLength(0);
  });

  it('scopes log writes to the audit group and log reads to the audit and Lambda groups', () => {
    for (const action of ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']) {
      expect(
        allowing(consolePolicy, action)
          .flatMap((s) => list(s.Resource))
          .every((r) => r.includes('log-group:${AuditLogGroup}')),
      ).toBe(true);
    }
    const readable = allowing(consolePolicy, 'logs:FilterLogEvents').flatMap((s) => list(s.Resource));
    expect(readable.every((r) => r.includes('log-group:${AuditLogGroup}') || r.includes('log-group:${LambdaLogGroup}'))).toBe(true);
  });

  it('renders with every parameter filled in, and the KMS statement only for a customer-managed key', () => {
    const plain = renderConsolePolicy({ accountId: '123456789012', region: 'eu-west-1' });
    expect(JSON.stringify(plain)).not.toContain('${');
    expect(plain.Statement.some((s) => list(s.Action).includes('kms:Decrypt'))).toBe(false);
    expect(allowing(plain, 'secretsmanager:PutSecretValue')[0]?.Resource).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:aws/transfer/*');
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const withKey = renderConsolePolicy({ accountId: '123456789012', region: 'eu-west-1', secretsKmsKeyArn: keyArn });
    expect(allowing(withKey, 'kms:Decrypt')[0]).toMatchObject({
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    });
  });

  it('is the policy infra/console-iam.yaml creates, statement for statement', () => {
    const template = readTemplate('infra/console-iam.yaml');
    const document = template.Resources.ConsolePolicy!.Properties.PolicyDocument as PolicyDocument;
    const asTemplate = (value: unknown): unknown =>
      typeof value === 'string'
        ? value.includes('${')
          ? { 'Fn::Sub': value }
          : value
        : Array.isArray(value)
          ? value.map(asTemplate)
          : value && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asTemplate(v)]))
            : value;
    const expected = consolePolicy.Statement.map((statement) => {
      const converted = asTemplate(statement);
      return JSON.stringify(statement).includes('${SecretsKmsKeyArn}')
        ? { 'Fn::If': ['UsesCustomerKey', converted, { Ref: 'AWS::NoValue' }] }
        : converted;
    });
    expect(document.Version).toBe(consolePolicy.Version);
    expect(document.Statement).toEqual(expected);
  });
});

describe('the Lambda execution role (lambda/template.yaml)', () => {
  it('allows exactly the operations the Lambda code sends', () => {
    const lambdaOperations = operationsSentBy(['lambda', 'lib/secret', 'lib/idp']);
    expect(lambdaOperations).toContain('secretsmanager:GetSecretValue');
    const role = readTemplate('lambda/template.yaml').Resources.ExecutionRole!.Properties as {
      Policies: { PolicyDocument: { Statement: unknown[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement).map((s) =>
      s && typeof s === 'object' && 'Fn::If' in s ? (s['Fn::If'] as unknown[])[1] : s,
    ) as PolicyStatement[];
    const denied = [...lambdaOperations].filter((action) => allowing({ Statement: statements }, action).length === 0);
    expect(denied).toEqual([]);
    const unused = statements
      .flatMap((s) => list(s.Action))
      .filter((a) => !a.startsWith('kms:') && ![...lambdaOperations].some((used) => matches(a, used)));
    expect(unused).toEqual([]);
  });
});
