// The audit queue on disk: a record stays until sent, is sent once, and survives a crashed sender.
import { mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainSpool, spooledCount, spoolRecord } from '@/lib/console/audit-spool';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-spool-'));
  process.env.AUDIT_SPOOL_DIR = dir;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.AUDIT_SPOOL_DIR;
});

describe('the audit spool', () => {
  it('keeps a record while sending fails and sends it once, oldest first, when it works', async () => {
    await spoolRecord('b', '2026-11-25T10:00:01.000Z', '{"n":2}');
    await spoolRecord('a', '2026-11-25T10:00:00.000Z', '{"n":1}');
    const failing = await drainSpool(() => Promise.reject(new Error('ServiceUnavailable')));
    expect(failing).toEqual({ sent: 0, left: 2 });
    expect(await spooledCount()).toBe(2);
    const sent: string[] = [];
    expect(await drainSpool((body) => Promise.resolve(void sent.push(body)))).toEqual({ sent: 2, left: 0 });
    expect(sent).toEqual(['{"n":1}', '{"n":2}']);
    expect(readdirSync(dir)).toEqual([]);
    expect(await drainSpool((body) => Promise.resolve(void sent.push(body)))).toEqual({ sent: 0, left: 0 });
  });

  it('gives a claim abandoned by a crashed sender back, and removes a crashed spooler’s temporary file', async () => {
    await spoolRecord('c', '2026-11-25T10:00:02.000Z', '{"n":3}');
    const [name] = readdirSync(dir);
    const longAgo = Date.now() - 10 * 60_000;
    renameSync(path.join(dir, name!), path.join(dir, `${name}.claim-${longAgo}-0f0f0f0f-0000-4000-8000-000000000000`));
    const recentClaim = `2026-11-25T10-00-03-000Z-d.json.claim-${Date.now()}-0f0f0f0f-0000-4000-8000-000000000001`;
    writeFileSync(path.join(dir, recentClaim), '{"n":4}');
    const crashedTemp = path.join(dir, '2026-11-25T10-00-04-000Z-e.json.4242.tmp');
    writeFileSync(crashedTemp, '{"n":');
    utimesSync(crashedTemp, longAgo / 1000, longAgo / 1000);
    const sent: string[] = [];
    await drainSpool((body) => Promise.resolve(void sent.push(body)));
    // The old claim is sent again; a live claim belongs to another sender and is left alone.
    expect(sent).toEqual(['{"n":3}']);
    expect(readdirSync(dir)).toEqual([recentClaim]);
  });

  it('does not exist until something is queued', async () => {
    rmSync(dir, { recursive: true, force: true });
    expect(await drainSpool(() => Promise.reject(new Error('never called')))).toEqual({ sent: 0, left: 0 });
    expect(await spooledCount()).toBe(0);
  });
});
