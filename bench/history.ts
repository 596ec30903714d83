// The user page's login history at 100,000 log lines: AWS calls and server time of its first page
// (attempts + last success + the secret for the sentences), of paging back, and of the users list's
// one-query last logins for a page of 20 users.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import { loginHistory } from '../lib/console/login-history';
import { DEFAULT_LOGIN_LOG_GROUP, lastSuccessfulLogins, listLoginRecords } from '../lib/console/login-records';
import { secretName, serializeUserSecret } from '../lib/secret/contract';
import { startLocalStack } from '../local/server';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const LINES = 100_000;
const USERS = 1_000;
const SPAN_MS = 30 * 86_400_000;
const REASONS = ['PASSWORD_OK', 'WRONG_PASSWORD', 'PUBLIC_KEYS_RETURNED', 'SOURCE_IP_REFUSED', 'USER_DISABLED'];

export async function runHistoryBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-history-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: false });
  try {
    const clients = configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    let calls = 0;
    const counter: InitializeMiddleware<object, MetadataBearer> = (next) => async (args) => {
      calls++;
      return next(args);
    };
    for (const client of Object.values(clients)) {
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize', name: 'countCalls' });
    }
    const secretString = serializeUserSecret({
      PasswordHash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g',
      Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
      AcceptedIpNetwork: ['10.0.0.0/8'],
    });
    for (const name of ['busy', 'quiet'])
      await clients.secretsManager.send(new CreateSecretCommand({ Name: secretName(SERVER, name), SecretString: secretString }));

    // 100,000 lines over 30 days: 1,000 users, one of them ("busy") with a tenth of all lines, and
    // "quiet" with 3 lines, the newest 20 days old.
    const seeded = performance.now();
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: DEFAULT_LOGIN_LOG_GROUP }));
    await clients.logs.send(new CreateLogStreamCommand({ logGroupName: DEFAULT_LOGIN_LOG_GROUP, logStreamName: 'bench' }));
    const now = Date.now();
    const start = now - SPAN_MS;
    const line = (i: number) => {
      const username = i % 10 === 0 ? 'busy' : i < 3 ? 'quiet' : `user${String(i % USERS).padStart(4, '0')}`;
      const reason = REASONS[i % REASONS.length]!;
      return JSON.stringify({
        level: 'info',
        event: 'login',
        decision: reason === 'PASSWORD_OK' || reason === 'PUBLIC_KEYS_RETURNED' ? 'allow' : 'deny',
        reason,
        serverId: SERVER,
        username,
        protocol: 'SFTP',
        sourceIp: '203.0.113.9',
        method: 'password',
        requestId: `r${i}`,
        coldStart: false,
        latencyMs: 40,
      });
    };
    for (let batch = 0; batch < LINES; batch += 10_000) {
      const logEvents = Array.from({ length: 10_000 }, (_, k) => {
        const i = batch + k;
        return { timestamp: i < 3 ? start + i : start + Math.floor((i / LINES) * SPAN_MS), message: line(i) };
      }).sort((a, b) => a.timestamp - b.timestamp);
      await clients.logs.send(new PutLogEventsCommand({ logGroupName: DEFAULT_LOGIN_LOG_GROUP, logStreamName: 'bench', logEvents }));
    }
    console.log(`seeded ${LINES} login lines for ${USERS} users in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    for (const username of ['busy', 'quiet']) {
      calls = 0;
      const first = await loginHistory(SERVER, username);
      const firstCalls = calls;
      const times = await timeMany(5, () => loginHistory(SERVER, username));
      let older = '';
      if (first.nextToken) {
        calls = 0;
        await loginHistory(SERVER, username, first.nextToken);
        const olderCalls = calls;
        const olderTimes = await timeMany(5, () => loginHistory(SERVER, username, first.nextToken!));
        older = `; next page p50 ${ms(percentile(olderTimes, 50))}, ${olderCalls} AWS calls`;
      }
      console.log(
        `user page history for ${username} (${first.records.length} rows, last success ${first.lastSuccess ? 'found' : 'none'}): p50 ${ms(percentile(times, 50))}, ${firstCalls} AWS calls${older}`,
      );
    }
    calls = 0;
    await listLoginRecords({ serverId: SERVER, limit: 50 });
    console.log(`server-wide newest 50: ${calls} AWS calls`);
    const page = Array.from({ length: 20 }, (_, i) => `user${String(i * 7).padStart(4, '0')}`);
    calls = 0;
    const last = await lastSuccessfulLogins(SERVER, page);
    const lastCalls = calls;
    const lastTimes = await timeMany(5, () => lastSuccessfulLogins(SERVER, page));
    console.log(`last logins for a page of 20 users: ${last.size} found, p50 ${ms(percentile(lastTimes, 50))}, ${lastCalls} AWS calls`);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
