// Bulk import and the plaintext upgrade at 1,000 users against the local stack with 10 % of AWS
// calls throttled: time, AWS calls, retries, peak memory, and a check that nothing was lost or
// duplicated. Printed, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import type { Actor } from '../lib/auth/roles';
import { startImport } from '../lib/console/bulk/apply';
import { bulkSecretsManager } from '../lib/console/bulk/client';
import { planImport } from '../lib/console/bulk/dry-run';
import { CSV_COLUMNS } from '../lib/console/bulk/format';
import { startUpgrade } from '../lib/console/bulk/upgrade';
import { secretName } from '../lib/secret/contract';
import { startLocalStack } from '../local/server';

const SERVER = 's-1a2b3c4d5e6f70819';
const UPGRADE_SERVER = 's-4d5e6f708192a3b4c';
const ROWS = Number(process.env.BENCH_BULK_ROWS) || 1_000;
/** BENCH_BULK_KEYS_ONLY=1: every row a keys-only user, so the figure is AWS's share without argon2. */
const KEYS_ONLY = process.env.BENCH_BULK_KEYS_ONLY === '1';
/** BENCH_BULK_UPGRADE=0 skips the upgrade part, BENCH_BULK_IMPORT=0 the import. */
const IMPORT = process.env.BENCH_BULK_IMPORT !== '0';
const UPGRADE = process.env.BENCH_BULK_UPGRADE !== '0';
const FS = 'fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLnb0jMgEHDVBsixV+MUrnq59wyRMpeJ+VUfdyN3Zos bench';
const admin: Actor = { username: 'bench', name: 'Bench', role: 'admin' };

function csv(rows: number): string {
  const lines = Array.from({ length: rows }, (_, i) => {
    const name = `bulk${String(i).padStart(5, '0')}`;
    const cells: Record<string, string> = {
      username: name,
      password: i % 2 && !KEYS_ONLY ? 'generate' : 'none',
      public_keys: i % 2 && !KEYS_ONLY ? '' : KEY,
      role: ROLE,
      uid: String(10_000 + i),
      gid: '10000',
      home: `/${FS}/home/${name}`,
    };
    return CSV_COLUMNS.map((c) => cells[c] ?? '').join(',');
  });
  return [CSV_COLUMNS.join(','), ...lines].join('\n');
}

/** Runs `fn`, sampling the resident set size, and reports the peak above the start. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, seconds: (performance.now() - started) / 1000, peakMiB: (Math.max(peak, process.memoryUsage().rss) - base) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export async function runBulkBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-bulk-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: true, faults: 'throttle=0.1' });
  const seeded = stack.store.state.servers[0]!;
  stack.store.state.servers.push({ ...seeded, ServerId: UPGRADE_SERVER, Arn: seeded.Arn.replace(SERVER, UPGRADE_SERVER), Tags: [] });
  const previousError = console.error;
  let auditFailures = 0;
  console.error = (line: unknown) => (String(line).includes('audit-write-failed') ? auditFailures++ : previousError(line));
  try {
    const clients = configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    const calls = new Map<string, number>();
    const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
      return next(args);
    };
    for (const client of [...Object.values(clients), bulkSecretsManager()])
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize', name: 'countCalls' });
    const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
    const text = csv(ROWS);

    if (IMPORT) await benchImport();
    if (UPGRADE) await benchUpgrade();

    async function benchImport(): Promise<void> {
      calls.clear();
      const dry = await measured(() => planImport(SERVER, 'bench.csv', text));
      console.log(
        `dry run of ${ROWS} rows${KEYS_ONLY ? ' (keys only)' : ' (half with a generated password)'}: ${dry.seconds.toFixed(2)} s, ${total()} AWS calls (${[...calls].map(([k, v]) => `${k.replace('Command', '')} ${v}`).join(', ')}), peak RSS +${dry.peakMiB.toFixed(0)} MiB; ${dry.value.dryRun.summary.valid} valid`,
      );

      calls.clear();
      const applied = await measured(async () => (await startImport(SERVER, 'bench.csv', text, dry.value.dryRun.importId, admin)).done);
      const job = applied.value;
      console.log(
        `apply of ${ROWS} rows (10 % throttled): ${applied.seconds.toFixed(2)} s, ${total()} AWS calls (${[...calls].map(([k, v]) => `${k.replace('Command', '')} ${v}`).join(', ')}), ` +
          `${job.retries} CreateSecret retries by the import, peak RSS +${applied.peakMiB.toFixed(0)} MiB; created ${job.counts.created}, failed ${job.counts.failed}, audit lines lost ${auditFailures}`,
      );
      const stored = new Map<string, number>();
      for await (const page of paginateListSecrets(
        { client: clients.secretsManager },
        { Filters: [{ Key: 'name', Values: [`aws/transfer/${SERVER}/bulk`] }] },
      )) {
        for (const entry of page.SecretList ?? []) stored.set(entry.Name!, Object.keys(entry.SecretVersionsToStages ?? {}).length);
      }
      console.log(`check: ${stored.size} of ${ROWS} users stored, ${[...stored.values()].filter((v) => v !== 1).length} with more than one version`);
    }

    async function benchUpgrade(): Promise<void> {
      const plaintext = JSON.stringify({
        Password: 'Bench-Pass-1',
        Role: ROLE,
        PosixProfile: '{"Uid": 2101, "Gid": 2101}',
        HomeDirectory: `/${FS}/home/u`,
      });
      for (let i = 0; i < ROWS; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, ROWS - i) }, (_, j) =>
            clients.secretsManager.send(
              new CreateSecretCommand({ Name: secretName(UPGRADE_SERVER, `plain${String(i + j).padStart(5, '0')}`), SecretString: plaintext }),
            ),
          ),
        );
      }
      calls.clear();
      const upgraded = await measured(async () => (await startUpgrade(UPGRADE_SERVER, 'all', admin)).done);
      console.log(
        `upgrade of ${ROWS} plaintext users (10 % throttled): ${upgraded.seconds.toFixed(2)} s, ${total()} AWS calls, peak RSS +${upgraded.peakMiB.toFixed(0)} MiB; ` +
          `upgraded ${upgraded.value.counts.upgraded}, failed ${upgraded.value.counts.failed}`,
      );
    }
  } finally {
    console.error = previousError;
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
