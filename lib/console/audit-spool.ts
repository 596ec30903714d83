// Audit records that could not be written to CloudWatch Logs wait here, one file each, until a
// later write gets them through. Files are written to a temporary name, fsynced and renamed, so a
// crash leaves either a whole record or none; a sender claims a file by renaming it, so two
// processes never send the same one, and a claim abandoned by a crash is released after a while.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export const auditSpoolDir = () => process.env.AUDIT_SPOOL_DIR ?? path.join(process.env.LOCAL_AWS_DATA ?? '.local-aws', 'audit-spool');

const CLAIM_TIMEOUT_MS = 5 * 60_000;

export async function spoolRecord(id: string, time: string, body: string): Promise<void> {
  const dir = auditSpoolDir();
  await mkdir(dir, { recursive: true });
  const final = path.join(dir, `${time.replace(/[:.]/g, '-')}-${id}.json`);
  const temp = `${final}.${process.pid}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(body);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, final);
}

/** Spooled records, oldest first, each handed to `send` under a claim; removed once sent. */
export async function drainSpool(send: (body: string) => Promise<void>): Promise<{ sent: number; left: number }> {
  const dir = auditSpoolDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sent: 0, left: 0 };
    throw err;
  }
  if (await releaseAbandonedClaims(dir, names)) names = await readdir(dir);
  const waiting = names.filter((n) => n.endsWith('.json')).sort();
  let sent = 0;
  for (const [index, name] of waiting.entries()) {
    const claim = path.join(dir, `${name}.claim-${Date.now()}-${randomUUID()}`);
    try {
      await rename(path.join(dir, name), claim);
    } catch {
      continue; // Another sender has it.
    }
    try {
      await send(await readFile(claim, 'utf8'));
    } catch {
      await rename(claim, path.join(dir, name)).catch(() => undefined);
      return { sent, left: waiting.length - index };
    }
    await unlink(claim);
    sent++;
  }
  return { sent, left: 0 };
}

/** A claim held past the timeout was a sender that crashed; a temporary file that old, a crashed spooler's. */
async function releaseAbandonedClaims(dir: string, names: string[]): Promise<boolean> {
  let released = false;
  for (const name of names) {
    if (name.endsWith('.tmp')) {
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (info && Date.now() - info.mtimeMs > CLAIM_TIMEOUT_MS) await unlink(path.join(dir, name)).catch(() => undefined);
      continue;
    }
    const match = /^(.*\.json)\.claim-(\d+)-[0-9a-f-]+$/.exec(name);
    if (match && Date.now() - Number(match[2]) > CLAIM_TIMEOUT_MS) {
      released =
        (await rename(path.join(dir, name), path.join(dir, match[1]!)).then(
          () => true,
          () => false,
        )) || released;
    }
  }
  return released;
}

export async function spooledCount(): Promise<number> {
  try {
    return (await readdir(auditSpoolDir())).filter((n) => n.endsWith('.json') || n.includes('.json.claim-')).length;
  } catch {
    return 0;
  }
}
