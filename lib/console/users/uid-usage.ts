// Which UIDs a server's users hold, so a new user gets a free one and a shared one is flagged.
import 'server-only';
import { BatchGetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretName, parseStoredSecret, readPosixProfile } from '../../secret/contract';
import { secretPrefix } from '../servers';
import { serverSecretEntries } from './list';
import { sm, TAG_UID } from './shared';

/** UIDs in use on a server (from the console's tags, reading only secrets without one) and the next free one. */
export async function uidUsage(serverId: string): Promise<{ nextUid: number; usedBy: Record<string, string[]> }> {
  // Keyed by decimal UIDs only; null prototype all the same, so no key can reach Object.prototype.
  const usedBy: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const untagged: string[] = [];
  for await (const entry of serverSecretEntries(serverId)) {
    const username = entry.Name ? parseSecretName(entry.Name, secretPrefix())?.username : undefined;
    if (!username) continue;
    const uid = entry.Tags?.find((t) => t.Key === TAG_UID)?.Value;
    if (uid !== undefined && /^\d+$/.test(uid)) (usedBy[uid] ??= []).push(username);
    else untagged.push(entry.ARN ?? entry.Name!);
  }
  for (let i = 0; i < untagged.length; i += 20) {
    const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: untagged.slice(i, i + 20) }));
    for (const value of batch.SecretValues ?? []) {
      const parsed = parseStoredSecret(value.SecretString);
      const username = value.Name ? parseSecretName(value.Name, secretPrefix())?.username : undefined;
      const profile = parsed.ok && parsed.secret.PosixProfile !== undefined ? readPosixProfile(parsed.secret.PosixProfile) : null;
      if (username && profile?.ok) (usedBy[String(profile.value.Uid)] ??= []).push(username);
    }
  }
  const used = Object.keys(usedBy).map(Number).filter((uid) => uid < 4_000_000_000);
  const nextUid = Math.max(1999, ...used) + 1;
  return { nextUid, usedBy };
}
