// The identity provider's login lines, written where the real function's go: the local CloudWatch Logs
// group `/aws/lambda/<function name>` of the server's identity provider, so the console reads them
// with the same code as on AWS.
import { randomUUID } from 'node:crypto';
import type { Store } from './store';

export const DEFAULT_IDP_FUNCTION = 'transfer-desk-idp';

/** The log group of the server's identity-provider function (its ARN's last part). */
export function loginLogGroupFor(store: Store, serverId: unknown): string {
  const server = store.state.servers.find((s) => s.ServerId === serverId);
  const arn = server?.IdentityProviderDetails?.Function;
  const name = typeof arn === 'string' ? /(?:^|:function:)([\w-]{1,64})(?::[\w$-]+)?$/.exec(arn)?.[1] : undefined;
  return `/aws/lambda/${name ?? DEFAULT_IDP_FUNCTION}`;
}

/** Appends one login line; journaled with the store's next commit. Never throws. */
export function writeLoginLine(store: Store, region: string, record: Record<string, unknown>, now = Date.now()): void {
  try {
    const groupName = loginLogGroupFor(store, record.serverId);
    const regionState = store.region(region);
    let group = regionState.logGroups.get(groupName);
    if (!group) {
      store.putLogGroup(region, { logGroupName: groupName, creationTime: now, streams: new Map() });
      group = regionState.logGroups.get(groupName)!;
    }
    // Lambda names a stream by day, version and container.
    const streamName = `${new Date(now).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]local`;
    if (!group.streams.has(streamName)) store.putLogStream(region, group, streamName, { creationTime: now, events: [] });
    store.appendLogEvents(region, group, streamName, [
      { timestamp: now, message: JSON.stringify(record), ingestionTime: now, eventId: randomUUID().replace(/-/g, '') },
    ]);
    void store.commit().catch(() => undefined);
  } catch {
    // A login never fails because its log line could not be kept.
  }
}
