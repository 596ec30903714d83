// `npm run console-policy -- --account 123456789012 --region eu-west-1 [--partition aws]
//  [--secret-prefix aws/transfer/] [--audit-log-group …] [--lambda-log-group …] [--kms-key-arn …]`
// prints infra/console-policy.json with its parameters filled in, ready for
// `aws iam create-policy --policy-document file://…`. infra/console-iam.yaml creates the same policy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const CONSOLE_POLICY_FILE = path.join(import.meta.dirname, '..', 'infra', 'console-policy.json');

export type PolicyStatement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
};
export type PolicyDocument = { Version: string; Statement: PolicyStatement[] };

export type PolicyParameters = {
  partition?: string;
  region: string;
  accountId: string;
  secretPrefix?: string;
  auditLogGroup?: string;
  lambdaLogGroup?: string;
  secretsKmsKeyArn?: string;
};

export function readConsolePolicy(file = CONSOLE_POLICY_FILE): PolicyDocument {
  return JSON.parse(readFileSync(file, 'utf8')) as PolicyDocument;
}

/** The policy with every `${…}` filled in; the KMS statement only when a customer-managed key is named. */
export function renderConsolePolicy(parameters: PolicyParameters, policy = readConsolePolicy()): PolicyDocument {
  const values = new Map<string, string>([
    ['AWS::Partition', parameters.partition ?? 'aws'],
    ['AWS::Region', parameters.region],
    ['AWS::AccountId', parameters.accountId],
    ['SecretPrefix', parameters.secretPrefix ?? 'aws/transfer/'],
    ['AuditLogGroup', parameters.auditLogGroup ?? '/transfer-desk/audit'],
    ['LambdaLogGroup', parameters.lambdaLogGroup ?? '/aws/lambda/transfer-desk-idp'],
    ['SecretsKmsKeyArn', parameters.secretsKmsKeyArn ?? ''],
  ]);
  const fill = (text: string) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const value = values.get(name);
      if (value === undefined) throw new Error(`The policy names an unknown parameter \${${name}}`);
      return value;
    });
  const statements = policy.Statement.filter(
    (statement) => parameters.secretsKmsKeyArn || !JSON.stringify(statement).includes('${SecretsKmsKeyArn}'),
  );
  return JSON.parse(JSON.stringify({ ...policy, Statement: statements }), (_key, value: unknown) =>
    typeof value === 'string' ? fill(value) : value,
  ) as PolicyDocument;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' },
      region: { type: 'string' },
      partition: { type: 'string' },
      'secret-prefix': { type: 'string' },
      'audit-log-group': { type: 'string' },
      'lambda-log-group': { type: 'string' },
      'kms-key-arn': { type: 'string' },
    },
  });
  if (!values.account || !/^\d{12}$/.test(values.account) || !values.region) {
    console.error(
      'Usage: npm run console-policy -- --account <12-digit account id> --region <region> [--secret-prefix …] [--audit-log-group …] [--lambda-log-group …] [--kms-key-arn …]',
    );
    process.exit(2);
  }
  const policy = renderConsolePolicy({
    accountId: values.account,
    region: values.region,
    partition: values.partition,
    secretPrefix: values['secret-prefix'],
    auditLogGroup: values['audit-log-group'],
    lambdaLogGroup: values['lambda-log-group'],
    secretsKmsKeyArn: values['kms-key-arn'],
  });
  console.log(JSON.stringify(policy, null, 2));
}
