// The users page, the live preview and a create at scale: server time and AWS calls at 100, 1,000 and
// 10,000 users on one server (issue 11 §2: a preview at most 2 calls, a create at most 5), with the
// user index built once per size (its build is timed apart).
import type { Actor } from '../lib/auth/roles';
import { builtUserIndex, noteUserChanged, resetUserIndexes } from '../lib/console/user-index';
import { createUser, listUsers, previewUser, uidUsage } from '../lib/console/users/index';
import { serializeUserSecret } from '../lib/secret/contract';
import { BENCH_PASSWORD_HASH, BENCH_ROLE, benchUserForm, seedUsers, startCountedStack } from './counted-stack';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const SIZES = [100, 1_000, 10_000];
const admin: Actor = { username: 'bench', name: 'Bench', role: 'admin' };

export async function runConsoleBench(): Promise<void> {
  const { clients, aws, close } = await startCountedStack('console', true);
  try {
    const secretString = serializeUserSecret({
      PasswordHash: BENCH_PASSWORD_HASH,
      Role: BENCH_ROLE,
      PosixProfile: { Uid: 3000, Gid: 3000 },
      HomeDirectoryDetails: [{ Entry: '/', Target: '/fs-0123456789abcdef0/home/${transfer:UserName}' }],
    });
    let created = 0;
    for (const size of SIZES) {
      const seedStarted = performance.now();
      await seedUsers(clients, SERVER, created, size, secretString);
      created = Math.max(created, size);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      resetUserIndexes();
      aws.count = 0;
      const buildStarted = performance.now();
      await builtUserIndex(SERVER);
      console.log(
        `${String(size).padStart(6)} users: user index built in ${ms(performance.now() - buildStarted)} with ${aws.count} AWS calls (once per lifetime, in the background)`,
      );
      const next = (await uidUsage(SERVER)).nextUid;
      const form = benchUserForm(`bench-new-${size}`, next);
      aws.count = 0;
      await previewUser(SERVER, { ...form, uid: '3000' });
      const previewCalls = aws.count;
      const previews = await timeMany(20, () => previewUser(SERVER, { ...form, uid: '3000' }));
      // A preview the browser cancelled while the index had a changed user to re-read (the one case
      // a preview calls AWS): it stops before that call, and the next preview makes it.
      noteUserChanged(SERVER, 'user00001');
      const cancelled = new AbortController();
      cancelled.abort();
      aws.count = 0;
      const cancelledOutcome = await previewUser(SERVER, form, { signal: cancelled.signal }).then(
        () => 'answered',
        (err: unknown) => (err instanceof Error ? err.name : 'failed'),
      );
      const cancelledCalls = aws.count;
      aws.count = 0;
      await previewUser(SERVER, form);
      console.log(
        `${String(size).padStart(6)} users: cancelled preview ${cancelledOutcome}, ${cancelledCalls} AWS calls; the next preview ${aws.count} AWS calls (re-reads the changed user)`,
      );
      aws.count = 0;
      const createStarted = performance.now();
      await createUser(SERVER, form, admin, { suggestedUid: String(next) });
      const firstCreateCalls = aws.count;
      const createTime = performance.now() - createStarted;
      aws.count = 0;
      const secondStarted = performance.now();
      await createUser(SERVER, benchUserForm(`bench-new-${size}-2`, next + 1), admin, { suggestedUid: String(next + 1) });
      console.log(
        `${String(size).padStart(6)} users: another create ${ms(performance.now() - secondStarted)}, ${aws.count} AWS calls (steady state)`,
      );
      console.log(
        `${String(size).padStart(6)} users: preview p50 ${ms(percentile(previews, 50))}, ${previewCalls} AWS calls; first create ${ms(createTime)}, ${firstCreateCalls} AWS calls`,
      );
      aws.count = 0;
      await listUsers(SERVER);
      const firstPageCalls = aws.count;
      const times = await timeMany(20, () => listUsers(SERVER));
      aws.count = 0;
      await listUsers(SERVER, { search: 'user004' });
      const searchCalls = aws.count;
      const search = await timeMany(20, () => listUsers(SERVER, { search: 'user004' }));
      console.log(
        `${String(size).padStart(6)} users: first page p50 ${ms(percentile(times, 50))}, ${firstPageCalls} AWS calls; ` +
          `search p50 ${ms(percentile(search, 50))}, ${searchCalls} AWS calls (seeding took ${seedSeconds.toFixed(1)} s)`,
      );
    }
  } finally {
    await close();
  }
}
