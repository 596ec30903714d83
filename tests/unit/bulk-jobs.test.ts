// Bulk jobs on disk (lib/console/bulk/jobs.ts): throttled atomic writes, a gone process's running
// job read as interrupted, and old files pruned.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobFile, pruneJobFiles, readJobFile } from '@/lib/console/bulk/jobs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jobs-'));
  process.env.CONSOLE_JOBS_DIR = path.join(dir, 'jobs');
});
afterEach(() => {
  delete process.env.CONSOLE_JOBS_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const KEY = '0f0e0d0c-0b0a-0908-0706-050403020100';
const write = (owner: { host: string; pid: number; instance: string }, updatedAt: Date, state = 'running') => {
  mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  writeFileSync(
    path.join(dir, 'jobs', `import-${KEY}.json`),
    JSON.stringify({ kind: 'import', key: KEY, owner, updatedAt: updatedAt.toISOString(), job: { state, counts: { created: 3 } } }),
  );
};

describe('a job file', () => {
  it('is written at once, then at most once a second however often the job changes, mode 0600, no temporary file left', async () => {
    let snapshots = 0;
    const file = new JobFile(
      'import',
      KEY,
      () => ({ state: 'running', n: ++snapshots }),
      () => true,
    );
    await file.flush();
    for (let i = 0; i < 100; i++) file.changed();
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshots).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(snapshots).toBe(2);
    expect((await readJobFile<{ n: number }>('import', KEY))?.job.n).toBe(2);
    expect(statSync(path.join(dir, 'jobs', `import-${KEY}.json`)).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(dir, 'jobs'))).toEqual([`import-${KEY}.json`]);
  });

  it('is never written by a run that no longer owns it', async () => {
    const file = new JobFile(
      'import',
      KEY,
      () => ({ state: 'running' }),
      () => false,
    );
    await file.flush();
    expect(await readJobFile('import', KEY)).toBeNull();
  });

  it('refuses a key that could leave the jobs directory', async () => {
    expect(await readJobFile('import', '../../etc/passwd')).toBeNull();
    expect(
      () =>
        new JobFile(
          'import',
          '../x',
          () => ({ state: 'running' }),
          () => true,
        ),
    ).toThrow('not a job key');
  });
});

describe('a running job read back', () => {
  it('is interrupted when its process on this machine has ended', async () => {
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    write({ host: hostname(), pid: ended, instance: 'old' }, new Date());
    expect(await readJobFile('import', KEY)).toMatchObject({ liveness: 'interrupted', ownerGone: true });
  });

  it('is running elsewhere while another machine’s process keeps its file fresh, interrupted once it stops', async () => {
    write({ host: 'other-host', pid: 1, instance: 'other' }, new Date());
    expect(await readJobFile('import', KEY)).toMatchObject({ liveness: 'running-elsewhere', ownerGone: false });
    write({ host: 'other-host', pid: 1, instance: 'other' }, new Date(Date.now() - 5 * 60_000));
    expect(await readJobFile('import', KEY)).toMatchObject({ liveness: 'interrupted' });
  });

  it('is settled once finished, and unreadable files count as none', async () => {
    write({ host: 'other-host', pid: 1, instance: 'other' }, new Date(), 'finished');
    expect(await readJobFile('import', KEY)).toMatchObject({ liveness: 'settled' });
    writeFileSync(path.join(dir, 'jobs', `import-${KEY}.json`), '{"kind":"import"');
    expect(await readJobFile('import', KEY)).toBeNull();
  });
});

describe('pruning', () => {
  it('removes job files untouched for 30 days and keeps younger ones', async () => {
    write({ host: 'h', pid: 1, instance: 'i' }, new Date(), 'finished');
    const young = path.join(dir, 'jobs', 'upgrade-s-1a2b3c4d5e6f70819.json');
    writeFileSync(young, '{}');
    const day = 86_400;
    const now = Date.now() / 1000;
    utimesSync(path.join(dir, 'jobs', `import-${KEY}.json`), now - 31 * day, now - 31 * day);
    utimesSync(young, now - 29 * day, now - 29 * day);
    expect(await pruneJobFiles(Date.now(), { force: true })).toBe(1);
    expect(readdirSync(path.join(dir, 'jobs'))).toEqual(['upgrade-s-1a2b3c4d5e6f70819.json']);
  });
});
