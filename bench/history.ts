// The user page's login history at 100,000 log lines: AWS calls and server time of its first page
// (attempts + last success + the secret for the sentences), of paging back, and of the users list's
// one-query last logins for a page of 20 users.
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { loginHistory } from '../lib/console/login-history';
import { DEFAULT_LOGIN_LOG_GROUP, lastSuccessfulLogins, listLoginRecords } from '../lib/console/login-records';
import { secretName, serializeUserSecret } from '../lib/secret/contract';
import { BENCH_PASSWORD_HASH, BENCH_ROLE, startCountedStack } from './counted-stack';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const LINES = 100_000;
const USERS = 1_000;
const SPAN_MS = 30 * 86_400_000;
const REASONS = ['PASSWORD_OK', 'WRONG_PASSWORD', 'PUBLIC_KEYS_RETURNED', 'SOURCE_IP_REFUSED', 'USER_DISABLED'];

export async function runHistoryBench(): Promise<void> {
  const { clients, aws, close } = await startCountedStack('history', false);
  try {
    const secretString = serializeUserSecret({
      PasswordHash: BENCH_PASSWORD_HASH,
      Role: BENCH_ROLE,
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
      aws.count = 0;
      const first = await loginHistory(SERVER, username);
      const firstCalls = aws.count;
      const times = await timeMany(5, () => loginHistory(SERVER, username));
      let older = '';
      if (first.nextToken) {
        aws.count = 0;
        await loginHistory(SERVER, username, first.nextToken);
        const olderCalls = aws.count;
        const olderTimes = await timeMany(5, () => loginHistory(SERVER, username, first.nextToken!));
        older = `; next page p50 ${ms(percentile(olderTimes, 50))}, ${olderCalls} AWS calls`;
      }
      console.log(
        `user page history for ${username} (${first.records.length} rows, last success ${first.lastSuccess ? 'found' : 'none'}): p50 ${ms(percentile(times, 50))}, ${firstCalls} AWS calls${older}`,
      );
    }
    aws.count = 0;
    await listLoginRecords({ serverId: SERVER, limit: 50 });
    console.log(`server-wide newest 50: ${aws.count} AWS calls`);
    const page = Array.from({ length: 20 }, (_, i) => `user${String(i * 7).padStart(4, '0')}`);
    aws.count = 0;
    const last = await lastSuccessfulLogins(SERVER, page);
    const lastCalls = aws.count;
    const lastTimes = await timeMany(5, () => lastSuccessfulLogins(SERVER, page));
    console.log(`last logins for a page of 20 users: ${last.size} found, p50 ${ms(percentile(lastTimes, 50))}, ${lastCalls} AWS calls`);
  } finally {
    await close();
  }
}
