// Issue 14 §8: the local stack's state is a snapshot plus an append-only journal. Writes cost
// O(change), acknowledged writes survive kill -9, a torn journal tail is dropped on restart, crash
// leftovers are cleaned, and state written before regions existed is migrated to us-east-1.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { Store, type SecretRecord } from '@/local/store';
import { startTestStack } from './local-stack-fixture';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function secret(name: string, value: string): SecretRecord {
  return {
    arn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`,
    name,
    createdDate: 1,
    lastChangedDate: 1,
    versions: [{ versionId: `v-${value}`, secretString: value, createdDate: 1, stages: ['AWSCURRENT'] }],
  };
}

describe('journal', () => {
  it('appends only what a write changed: state.json is not rewritten and the journal grows by one record', async () => {
    const dir = dataDir();
    const stack = await startTestStack({ dataDir: dir });
    try {
      const sm = new SecretsManagerClient(stack.clientConfig);
      for (let i = 0; i < 200; i++) await sm.send(new CreateSecretCommand({ Name: `bulk/user${i}`, SecretString: 'x'.repeat(200) }));
      const snapshotBefore = statSync(path.join(dir, 'state.json'));
      const journalBefore = statSync(path.join(dir, 'state.journal')).size;
      await sm.send(new PutSecretValueCommand({ SecretId: 'bulk/user7', SecretString: 'changed' }));
      const snapshotAfter = statSync(path.join(dir, 'state.json'));
      expect(snapshotAfter.mtimeMs).toBe(snapshotBefore.mtimeMs);
      expect(snapshotAfter.size).toBe(snapshotBefore.size);
      const grown = statSync(path.join(dir, 'state.journal')).size - journalBefore;
      expect(grown).toBeGreaterThan(0);
      expect(grown).toBeLessThan(2_000); // one secret's record, not 200
    } finally {
      await stack.dispose();
    }
  });

  it('drops a torn last line on restart and keeps every acknowledged write before it', async () => {
    const dir = dataDir();
    const first = await startTestStack({ dataDir: dir });
    const sm1 = new SecretsManagerClient(first.clientConfig);
    for (let i = 0; i < 5; i++) await sm1.send(new CreateSecretCommand({ Name: `torn/s${i}`, SecretString: `value ${i}` }));
    await sm1.send(new PutSecretValueCommand({ SecretId: 'torn/s0', SecretString: 'value 0, second' }));
    await first.dispose();
    const journal = path.join(dir, 'state.journal');
    const intact = statSync(journal).size;
    // A crash half-way through an append: part of a line, no newline.
    appendFileSync(journal, '{"n":99999,"op":"secret","region":"us-east-1","name":"torn/ghost","record":{"arn":"arn:aws:secr');

    const second = await startTestStack({ dataDir: dir });
    try {
      const sm2 = new SecretsManagerClient(second.clientConfig);
      for (let i = 1; i < 5; i++) expect((await sm2.send(new GetSecretValueCommand({ SecretId: `torn/s${i}` }))).SecretString).toBe(`value ${i}`);
      expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'torn/s0' }))).SecretString).toBe('value 0, second');
      expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'torn/s0', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('value 0');
      const listed = await sm2.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['torn/'] }] }));
      expect(listed.SecretList?.map((s) => s.Name).sort()).toEqual(['torn/s0', 'torn/s1', 'torn/s2', 'torn/s3', 'torn/s4']);
      expect(statSync(journal).size).toBeLessThanOrEqual(intact);
      await sm2.send(new CreateSecretCommand({ Name: 'torn/after', SecretString: 'later' }));
    } finally {
      await second.dispose();
    }
    const third = await startTestStack({ dataDir: dir });
    try {
      const sm3 = new SecretsManagerClient(third.clientConfig);
      expect((await sm3.send(new GetSecretValueCommand({ SecretId: 'torn/after' }))).SecretString).toBe('later');
      // The reads above recorded the day they happened, and a clean shutdown kept it.
      expect((await sm3.send(new DescribeSecretCommand({ SecretId: 'torn/s1' }))).LastAccessedDate).toBeInstanceOf(Date);
    } finally {
      await third.dispose();
    }
  });

  it('compacts into the snapshot, and replays without duplicates if the journal outlived its compaction', async () => {
    const dir = dataDir();
    const store = new Store(dir, { compactAfterBytes: 1 });
    await store.commit(); // the first snapshot
    const group = { logGroupName: 'g', creationTime: 1, streams: new Map() };
    store.putLogGroup('us-east-1', group);
    store.putLogStream('us-east-1', group, 's', { creationTime: 1, events: [] });
    store.appendLogEvents('us-east-1', group, 's', [{ timestamp: 1, message: 'once', ingestionTime: 1, eventId: 'e1' }]);
    store.putSecret('us-east-1', secret('c/one', 'a'));
    await store.commit(); // appended to the journal
    const journal = path.join(dir, 'state.journal');
    const saved = path.join(dir, 'journal.copy');
    copyFileSync(journal, saved);
    store.putSecret('us-east-1', secret('c/two', 'b'));
    await store.commit(); // the journal is now over the limit: compacted
    await store.settle();
    expect(statSync(journal).size).toBe(0);
    // A crash between writing the snapshot and truncating the journal leaves both.
    copyFileSync(saved, journal);
    const reopened = new Store(dir);
    const region = reopened.region('us-east-1');
    expect([...region.secrets.keys()].sort()).toEqual(['c/one', 'c/two']);
    expect(
      region.logGroups
        .get('g')
        ?.streams.get('s')
        ?.events.map((e) => e.message),
    ).toEqual(['once']);
    await reopened.settle();
  });
});

describe('crashes', () => {
  it('removes temp files a crash left behind (state.json.<pid>.tmp)', async () => {
    const dir = dataDir();
    const first = await startTestStack({ dataDir: dir });
    await first.dispose();
    writeFileSync(path.join(dir, 'state.json.12345.tmp'), '{"half":');
    writeFileSync(path.join(dir, 'state.json.777.tmp'), '');
    writeFileSync(path.join(dir, 'keep-me.tmp'), 'not ours');
    const second = await startTestStack({ dataDir: dir });
    try {
      expect(existsSync(path.join(dir, 'state.json.12345.tmp'))).toBe(false);
      expect(existsSync(path.join(dir, 'state.json.777.tmp'))).toBe(false);
      expect(existsSync(path.join(dir, 'keep-me.tmp'))).toBe(true);
    } finally {
      await second.dispose();
    }
  });

  it('keeps every acknowledged write, secrets and log events, across kill -9', async () => {
    const dir = dataDir();
    const start = () =>
      new Promise<{ endpoint: string; kill: () => Promise<void> }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('local/main.ts')], {
          env: { ...process.env, LOCAL_AWS_PORT: '0', LOCAL_AWS_DATA: dir, LOCAL_SFTP: '0', LOCAL_AWS_QUIET: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Local AWS APIs at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            resolve({
              endpoint: match[1]!,
              kill: () =>
                new Promise((done) => {
                  child.once('exit', () => done());
                  child.kill('SIGKILL');
                }),
            });
          }
        });
        child.once('exit', (code) => reject(new Error(`local stack exited (${code}) before it served: ${output}`)));
      });
    const clients = (endpoint: string) => {
      const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 'k' }, maxAttempts: 1 };
      return { sm: new SecretsManagerClient(config), logs: new CloudWatchLogsClient(config) };
    };

    const first = await start();
    const acknowledged: string[] = [];
    try {
      const { sm, logs } = clients(first.endpoint);
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/kill/audit' }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: '/kill/audit', logStreamName: 'day' }));
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          await sm.send(new CreateSecretCommand({ Name: `kill/s${i}`, SecretString: `v${i}` }));
          acknowledged.push(`kill/s${i}`);
        }),
      );
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: '/kill/audit',
          logStreamName: 'day',
          logEvents: [{ timestamp: Date.now(), message: 'acknowledged' }],
        }),
      );
    } finally {
      await first.kill();
    }

    const second = await start();
    try {
      const { sm, logs } = clients(second.endpoint);
      for (const name of acknowledged)
        expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(`v${name.slice('kill/s'.length)}`);
      const events = await logs.send(new FilterLogEventsCommand({ logGroupName: '/kill/audit' }));
      expect(events.events?.map((e) => e.message)).toEqual(['acknowledged']);
    } finally {
      await second.kill();
    }
  }, 60_000);
});

describe('migration', () => {
  it('moves single-region state (version 1) to us-east-1 and rewrites it as version 2', async () => {
    const dir = dataDir();
    const legacy = {
      version: 1,
      region: 'us-east-1',
      accountId: '000000000000',
      secrets: null,
      servers: [],
      fileSystems: [],
      accessPoints: [],
      roles: [],
      logGroups: {
        '/old/audit': {
          logGroupName: '/old/audit',
          creationTime: 1,
          streams: { day: { creationTime: 1, events: [{ timestamp: 1, message: 'old event', ingestionTime: 1, eventId: 'e' }] } },
        },
      },
    };
    // JSON text, as the old stack wrote it: there `__proto__` is an ordinary key.
    const secrets = `{"__proto__":${JSON.stringify(secret('__proto__', 'odd but kept'))},"old/one":${JSON.stringify({ ...secret('old/one', 'kept'), tags: [] })}}`;
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify(legacy).replace('"secrets":null', `"secrets":${secrets}`));
    const stack = await startTestStack({ dataDir: dir });
    try {
      const sm = new SecretsManagerClient(stack.clientConfig);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'old/one' }))).SecretString).toBe('kept');
      expect((await sm.send(new GetSecretValueCommand({ SecretId: '__proto__' }))).SecretString).toBe('odd but kept');
      const west = new SecretsManagerClient({ ...stack.clientConfig, region: 'us-west-2' });
      await expect(west.send(new GetSecretValueCommand({ SecretId: 'old/one' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const logs = new CloudWatchLogsClient(stack.clientConfig);
      expect((await logs.send(new FilterLogEventsCommand({ logGroupName: '/old/audit' }))).events?.map((e) => e.message)).toEqual(['old event']);
      await stack.store.commit();
      expect((JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as { version: number }).version).toBe(2);
    } finally {
      await stack.dispose();
    }
  });
});
