// Every user secret of a server, read 20 at a time with BatchGetSecretValue (one ListSecrets pass).
import 'server-only';
import { BatchGetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseSecretName, parseStoredSecret, type StoredUserSecret } from '../../secret/contract';
import { secretPrefix } from '../servers';
import { serverSecretEntries } from '../users/list';
import { bulkSecretsManager } from './client';
import { withBackoff } from './retry';

export type ServerSecret = { username: string; secret: StoredUserSecret | null; error: string | null; tags: Record<string, string> };

export async function readAllUsers(serverId: string): Promise<ServerSecret[]> {
  const entries: { id: string; username: string; tags: Record<string, string> }[] = [];
  for await (const entry of serverSecretEntries(serverId)) {
    const parsed = entry.Name ? parseSecretName(entry.Name, secretPrefix()) : null;
    if (!parsed || parsed.serverId !== serverId) continue;
    entries.push({
      id: entry.ARN ?? entry.Name!,
      username: parsed.username,
      tags: Object.fromEntries((entry.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    });
  }
  const values = new Map<string, string | undefined>();
  const missing = new Map<string, string>();
  for (let i = 0; i < entries.length; i += 20) {
    const chunk = entries.slice(i, i + 20);
    const { value: batch } = await withBackoff(() =>
      bulkSecretsManager().send(new BatchGetSecretValueCommand({ SecretIdList: chunk.map((e) => e.id) })),
    );
    for (const value of batch.SecretValues ?? []) values.set(value.ARN ?? value.Name ?? '', value.SecretString);
    for (const value of batch.SecretValues ?? []) if (value.Name) values.set(value.Name, value.SecretString);
    for (const error of batch.Errors ?? []) if (error.SecretId) missing.set(error.SecretId, error.ErrorCode ?? 'unreadable');
  }
  return entries
    .map(({ id, username, tags }) => {
      if (missing.has(id)) return { username, secret: null, error: `Secrets Manager did not return the value (${missing.get(id)})`, tags };
      const parsed = parseStoredSecret(values.get(id));
      return parsed.ok ? { username, secret: parsed.secret, error: null, tags } : { username, secret: null, error: parsed.error, tags };
    })
    .sort((a, b) => a.username.localeCompare(b.username));
}
