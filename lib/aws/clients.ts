// One SDK v3 client per service for the console. Region, endpoint overrides (AWS_ENDPOINT_URL…) and
// credentials come from the SDK's own environment handling; retries use adaptive mode so that
// throttling is retried with back-off before an error reaches an admin.
import 'server-only';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TransferClient } from '@aws-sdk/client-transfer';

type Clients = {
  secretsManager: SecretsManagerClient;
  transfer: TransferClient;
  efs: EFSClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
};

let clients: Clients | null = null;

export type ClientOverrides = {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
};

function create(overrides: ClientOverrides = {}): Clients {
  const config = {
    region: overrides.region ?? process.env.AWS_REGION ?? 'us-east-1',
    retryMode: 'adaptive',
    maxAttempts: overrides.maxAttempts ?? 4,
    ...(overrides.endpoint ? { endpoint: overrides.endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
  };
  return {
    secretsManager: new SecretsManagerClient(config),
    transfer: new TransferClient(config),
    efs: new EFSClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export function aws(): Clients {
  clients ??= create();
  return clients;
}

/** For tests and benches: point every client at the given endpoint. */
export function configureAwsClients(overrides: ClientOverrides): Clients {
  clients = create(overrides);
  return clients;
}
