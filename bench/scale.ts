// `npm run bench -- scale [--50k]`: every console page at 1,000 and 10,000 users on one server (and
// 50,000 with --50k): time and AWS calls of each page's data loading, cold (no user index yet) and
// warm, the index's build, the local stack's memory and its write rate while loading (bulk
// CreateSecret straight to the stack, 50 at a time).
import type { Actor } from '../lib/auth/roles';
import { assessPosture, serverPosture } from '../lib/console/bulk/posture';
import { readAllUsers } from '../lib/console/bulk/read-all';
import { listFileSystems } from '../lib/console/file-systems';
import { listTransferRoles } from '../lib/console/roles';
import { forgetServerDescriptions, getServer, listServers } from '../lib/console/servers';
import { builtUserIndex, resetUserIndexes, userIndex } from '../lib/console/user-index';
import { createUser, getUserForEdit, listUsers, previewUser, testLogin, uidUsage } from '../lib/console/users/index';
import { serializeUserSecret } from '../lib/secret/contract';
import { BENCH_PASSWORD_HASH, BENCH_ROLE, benchUserForm, seedUsers, startCountedStack } from './counted-stack';
import { ms } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const admin: Actor = { username: 'bench', name: 'Bench', role: 'admin' };

export async function runScaleBench(): Promise<void> {
  const sizes = process.argv.includes('--50k') ? [1_000, 10_000, 50_000] : [1_000, 10_000];
  const { clients, aws, close } = await startCountedStack('scale', true);
  try {
    const secretString = serializeUserSecret({
      PasswordHash: BENCH_PASSWORD_HASH,
      Role: BENCH_ROLE,
      PosixProfile: { Uid: 3000, Gid: 3000 },
      HomeDirectoryDetails: [{ Entry: '/', Target: '/fs-0123456789abcdef0/home/${transfer:UserName}' }],
    });
    const measure = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
      aws.count = 0;
      const started = performance.now();
      const result = await run();
      console.log(`  ${label.padEnd(44)} ${ms(performance.now() - started).padStart(10)}  ${String(aws.count).padStart(5)} AWS calls`);
      return result;
    };
    let created = 0;
    for (const size of sizes) {
      const loadStarted = performance.now();
      const before = created;
      await seedUsers(clients, SERVER, created, size, secretString);
      created = Math.max(created, size);
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const memory = process.memoryUsage();
      console.log(
        `${size} users (+3 demo): loaded ${created - before} in ${loadSeconds.toFixed(1)} s = ${Math.round((created - before) / loadSeconds)} writes/s; ` +
          `process (stack + console) RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
      );
      // Cold: a console process that has never seen this server.
      resetUserIndexes();
      forgetServerDescriptions();
      await measure('Servers page, cold (count streams later)', async () => {
        const servers = await listServers();
        await Promise.all(servers.filter((s) => s.manageable).map((s) => userIndex(s.serverId, { waitMs: 1_500 })));
      });
      await measure('Users page, cold (index building)', () => getServer(SERVER).then(() => listUsers(SERVER, { waitMs: 1_500 })));
      await measure('user index: rest of the first build (background)', () => builtUserIndex(SERVER));
      // Warm: the index is built.
      forgetServerDescriptions();
      await measure('Servers page, warm', async () => {
        const servers = await listServers();
        await Promise.all(servers.filter((s) => s.manageable).map((s) => userIndex(s.serverId, { waitMs: 1_500 })));
      });
      await measure('Users page, warm (first page)', () => getServer(SERVER).then(() => listUsers(SERVER, { waitMs: 1_500 })));
      await measure('Users page, search "r0042" + sort by change', () => listUsers(SERVER, { search: 'r0042', sort: 'changed', order: 'desc' }));
      await measure('Users page, filter plaintext, page 2', () => listUsers(SERVER, { status: 'plaintext', page: 2 }));
      await measure('Security posture page (from the index)', () => serverPosture(SERVER));
      await measure('Users page, posture filter no-allow-list, p2', () => listUsers(SERVER, { attention: 'no-allow-list', page: 2 }));
      await measure('(posture by reading every secret, before)', async () => assessPosture(SERVER, await readAllUsers(SERVER)));
      await measure('User page (server + user)', () => getServer(SERVER).then(() => getUserForEdit(SERVER, 'user00042')));
      await measure('Create user page (server, roles, fs, UID)', () =>
        getServer(SERVER).then(() => Promise.all([listTransferRoles(), listFileSystems(), uidUsage(SERVER)])),
      );
      const next = (await uidUsage(SERVER)).nextUid;
      const form = benchUserForm(`scale-new-${size}`, next);
      await measure('Preview (create form, UID + case checks)', () => previewUser(SERVER, { ...form, uid: '3000' }));
      await measure('Create user (reserve UID, write, audit)', () => createUser(SERVER, form, admin, { suggestedUid: String(form.uid) }));
      const second = { ...form, username: `${form.username}-2`, uid: String(next + 1), gid: String(next + 1) };
      await measure('Create another user (steady state)', () => createUser(SERVER, second, admin, { suggestedUid: String(second.uid) }));
      await measure('Test login (alice, right password)', () => testLogin(SERVER, { username: 'alice', password: 'Demo-Alice-2026' }, admin));
    }
  } finally {
    await close();
  }
}
