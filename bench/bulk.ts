// Bulk import and the plaintext upgrade at 1,000 users against the local stack with 10 % of AWS
// calls throttled: time, AWS calls, retries, peak memory, and a check that nothing was lost or
// duplicated; and the console's argon2id rate. Printed, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchGetSecretValueCommand, CreateSecretCommand, paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import type { FinalizeRequestMiddleware, InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import type { Actor } from '../lib/auth/roles';
import { startImport } from '../lib/console/bulk/apply';
import { bulkSecretsManager } from '../lib/console/bulk/client';
import { planImport } from '../lib/console/bulk/dry-run';
import { CSV_COLUMNS } from '../lib/console/bulk/format';
import { withBackoff } from '../lib/console/bulk/retry';
import { startUpgrade } from '../lib/console/bulk/upgrade';
import { consoleArgon2Backend, hashUserPassword } from '../lib/console/argon2';
import { secretName } from '../lib/secret/contract';
import { startLocalStack } from '../local/server';

const SERVER = 's-1a2b3c4d5e6f70819';
const UPGRADE_SERVER = 's-4d5e6f708192a3b4c';
const ROWS = Number(process.env.BENCH_BULK_ROWS) || 1_000;
/** BENCH_BULK_KEYS_ONLY=1: every row a keys-only user, so the figure is AWS's share without argon2. */
const KEYS_ONLY = process.env.BENCH_BULK_KEYS_ONLY === '1';
/** BENCH_BULK_UPGRADE=0 skips the upgrade part, BENCH_BULK_IMPORT=0 the import, BENCH_BULK_HASH=0 the hash rate. */
const IMPORT = process.env.BENCH_BULK_IMPORT !== '0';
const UPGRADE = process.env.BENCH_BULK_UPGRADE !== '0';
const HASH = process.env.BENCH_BULK_HASH !== '0';
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
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMiB: number; cpuSeconds: number }> {
  const base = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await fn();
    const used = process.cpuUsage(cpu);
    return {
      value,
      seconds: (performance.now() - started) / 1000,
      peakMiB: (Math.max(peak, process.memoryUsage().rss) - base) / 1024 / 1024,
      // The console and the local stack share this process: CPU seconds show how much of the time was work, not waiting.
      cpuSeconds: (used.user + used.system) / 1e6,
    };
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
    // Commands as the code sends them, and requests on the wire (the SDK's own retries included).
    const calls = new Map<string, number>();
    let attempts = 0;
    const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      calls.set(String(context.commandName), (calls.get(String(context.commandName)) ?? 0) + 1);
      return next(args);
    };
    const attemptCounter: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
      attempts++;
      return next(args);
    };
    for (const client of [...Object.values(clients), bulkSecretsManager()]) {
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize', name: 'countCalls' });
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(attemptCounter, {
        step: 'finalizeRequest',
        priority: 'low',
        name: 'countAttempts',
      });
    }
    const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
    const perCommand = () => [...calls].map(([k, v]) => `${k.replace('Command', '')} ${v}`).join(', ');
    const text = csv(ROWS);

    if (HASH) await benchHashing();
    if (IMPORT) await benchImport();
    if (UPGRADE) await benchUpgrade();

    async function benchHashing(): Promise<void> {
      const backend = await consoleArgon2Backend();
      await hashUserPassword('warm-up-1');
      const count = 100;
      const one = await measured(async () => {
        for (let i = 0; i < count; i++) await hashUserPassword(`bench-${i}`);
      });
      const eight = await measured(() => Promise.all(Array.from({ length: count }, (_, i) => hashUserPassword(`bench-${i}`))));
      console.log(
        `console argon2id (${backend}, m=19 MiB, t=2, p=1): ${(count / one.seconds).toFixed(1)} hashes/s one at a time, ` +
          `${(count / eight.seconds).toFixed(1)} hashes/s with ${count} queued; peak RSS +${eight.peakMiB.toFixed(0)} MiB`,
      );
    }

    async function benchImport(): Promise<void> {
      calls.clear();
      attempts = 0;
      const dry = await measured(() => planImport(SERVER, 'bench.csv', text));
      console.log(
        `dry run of ${ROWS} rows${KEYS_ONLY ? ' (keys only)' : ' (half with a generated password)'}: ${dry.seconds.toFixed(2)} s, ${total()} AWS calls (${perCommand()}), ${attempts - total()} SDK retries, peak RSS +${dry.peakMiB.toFixed(0)} MiB; ${dry.value.dryRun.summary.valid} valid`,
      );

      calls.clear();
      attempts = 0;
      const applied = await measured(async () => (await startImport(SERVER, 'bench.csv', text, dry.value.dryRun.importId, admin)).done);
      const job = applied.value;
      console.log(
        `apply of ${ROWS} rows, ${KEYS_ONLY ? 'keys only' : `${Math.floor(ROWS / 2)} with a generated password`} (10 % throttled): ${applied.seconds.toFixed(2)} s (CPU ${applied.cpuSeconds.toFixed(1)} s), ${total()} AWS calls (${perCommand()}), ` +
          `${attempts} requests sent (${attempts - total()} SDK retries; ${job.retries} retries of CreateSecret counted by the import), peak RSS +${applied.peakMiB.toFixed(0)} MiB; created ${job.counts.created}, already created ${job.counts['already-created']}, ` +
          `existing ${job.counts['skipped-existing']}, failed ${job.counts.failed}, audit lines lost ${auditFailures}`,
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
            // The bulk client with back-off: the shared adaptive one crawls through the throttling while seeding.
            withBackoff(() =>
              bulkSecretsManager().send(
                new CreateSecretCommand({ Name: secretName(UPGRADE_SERVER, `plain${String(i + j).padStart(5, '0')}`), SecretString: plaintext }),
              ),
            ),
          ),
        );
      }
      calls.clear();
      attempts = 0;
      const upgraded = await measured(async () => (await startUpgrade(UPGRADE_SERVER, 'all', admin)).done);
      const job = upgraded.value;
      console.log(
        `upgrade of ${ROWS} plaintext users (10 % throttled): ${upgraded.seconds.toFixed(2)} s (CPU ${upgraded.cpuSeconds.toFixed(1)} s), ${total()} AWS calls (${perCommand()}), ` +
          `${attempts} requests sent (${attempts - total()} SDK retries; ${job.retries} retries counted by the upgrade), peak RSS +${upgraded.peakMiB.toFixed(0)} MiB; ` +
          `upgraded ${job.counts.upgraded}, nothing to do ${job.counts['nothing-to-do']}, failed ${job.counts.failed}`,
      );
      // Every user: no plaintext left, a hash, and AWSCURRENT moved exactly once (the seed version plus one).
      const names: string[] = [];
      for await (const page of paginateListSecrets(
        { client: clients.secretsManager },
        { Filters: [{ Key: 'name', Values: [`aws/transfer/${UPGRADE_SERVER}/plain`] }] },
      ))
        for (const entry of page.SecretList ?? []) names.push(entry.Name!);
      let plaintextLeft = 0;
      let hashed = 0;
      for (let i = 0; i < names.length; i += 20) {
        const batch = await bulkSecretsManager().send(new BatchGetSecretValueCommand({ SecretIdList: names.slice(i, i + 20) }));
        for (const value of batch.SecretValues ?? []) {
          const secret = JSON.parse(value.SecretString ?? '{}') as Record<string, unknown>;
          if ('Password' in secret) plaintextLeft++;
          if (typeof secret.PasswordHash === 'string' && secret.PasswordHash.startsWith('$argon2id$')) hashed++;
        }
      }
      // Versions beyond the seed's and the upgrade's one: retried writes whose pending version never became current.
      const secrets = stack.store.region('us-east-1').secrets;
      const extraVersions = names.reduce((sum, name) => sum + Math.max(0, (secrets.get(name)?.versions.length ?? 0) - 2), 0);
      // The replaced (plaintext) version must not stay readable by a stage name such as AWSPREVIOUS.
      const plaintextLabelled = names.filter((name) =>
        (secrets.get(name)?.versions ?? []).some(
          (v) => v.stages.length > 0 && typeof v.secretString === 'string' && v.secretString.includes('"Password"'),
        ),
      ).length;
      console.log(
        `check: ${names.length} of ${ROWS} users, ${hashed} hashed, ${plaintextLeft} with plaintext left, ${plaintextLabelled} with a labelled version holding plaintext; ${extraVersions} extra versions (left unlabelled by retried writes)`,
      );
    }
  } finally {
    console.error = previousError;
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
