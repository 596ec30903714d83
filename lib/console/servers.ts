// Transfer servers as the console shows them: plain objects, with whether the console can manage them.
import 'server-only';
import { untilAborted } from './abort';
import { DescribeServerCommand, paginateListServers, type DescribedServer } from '@aws-sdk/client-transfer';
import { aws } from '../aws/clients';
import { DEFAULT_SECRET_PREFIX } from '../secret/contract';

export type ServerSummary = {
  serverId: string;
  name: string | null;
  arn: string;
  state: string;
  endpointType: string;
  domain: 'EFS' | 'S3';
  identityProviderType: string;
  protocols: string[];
  sftpAuthenticationMethods: string | null;
  userCount: number | null;
  manageable: boolean;
  readOnlyReason: string | null;
  localEndpoint: string | null;
  /** DescribeServer's `SHA256:…` host-key fingerprint. */
  hostKeyFingerprint: string | null;
  /** The custom hostname set in Transfer (its `transfer:customHostname` or `aws:transfer:customHostname` tag). */
  customHostname: string | null;
};

export const secretPrefix = () => process.env.SECRET_PREFIX ?? DEFAULT_SECRET_PREFIX;

function readOnlyReason(type: string): string | null {
  if (type === 'AWS_LAMBDA') return null;
  if (type === 'SERVICE_MANAGED')
    return 'Users of a service-managed server live in Transfer itself, not in Secrets Manager; manage them in the Transfer console.';
  if (type === 'API_GATEWAY') return 'This server authenticates through API Gateway; Transfer Desk manages Lambda-backed servers only.';
  return 'This server authenticates through AWS Directory Service; manage its users in the directory.';
}

function toSummary(server: DescribedServer, userCount: number | null): ServerSummary {
  const type = server.IdentityProviderType ?? 'SERVICE_MANAGED';
  return {
    serverId: server.ServerId ?? '',
    name: server.Tags?.find((t) => t.Key === 'Name')?.Value ?? null,
    arn: server.Arn ?? '',
    state: server.State ?? 'UNKNOWN',
    endpointType: server.EndpointType ?? 'PUBLIC',
    domain: server.Domain === 'S3' ? 'S3' : 'EFS',
    identityProviderType: type,
    protocols: server.Protocols ?? ['SFTP'],
    sftpAuthenticationMethods: server.IdentityProviderDetails?.SftpAuthenticationMethods ?? null,
    userCount,
    manageable: type === 'AWS_LAMBDA',
    readOnlyReason: readOnlyReason(type),
    localEndpoint: server.Tags?.find((t) => t.Key === 'transfer-desk:local-endpoint')?.Value ?? null,
    hostKeyFingerprint: server.HostKeyFingerprint ?? null,
    customHostname: server.Tags?.find((t) => t.Key === 'transfer:customHostname' || t.Key === 'aws:transfer:customHostname')?.Value ?? null,
  };
}

/**
 * How long a server's description is reused: a Transfer server's identity provider, domain and
 * protocols change rarely and only by an AWS-side admin, so every page and action of the next 30 s
 * (a create costs at most 5 AWS calls, issue 11) reuses one DescribeServer. Per process.
 */
export const SERVER_DESCRIPTION_LIFETIME_MS = 30_000;
const described = new Map<string, { at: number; server: Promise<ServerSummary | null> }>();

/**
 * The server's description. `signal` lets a caller stop waiting (a preview that was replaced); the
 * DescribeServer itself is shared with every other caller and the cache, so it is not cancelled.
 */
export async function getServer(serverId: string, options: { signal?: AbortSignal } = {}): Promise<ServerSummary | null> {
  options.signal?.throwIfAborted();
  const cached = described.get(serverId);
  if (cached && Date.now() - cached.at < SERVER_DESCRIPTION_LIFETIME_MS) return untilAborted(cached.server, options.signal);
  const server = describeServer(serverId);
  described.set(serverId, { at: Date.now(), server });
  // A failed description is not remembered: the next call asks again.
  server.catch(() => described.delete(serverId));
  return untilAborted(server, options.signal);
}

async function describeServer(serverId: string): Promise<ServerSummary | null> {
  try {
    const { Server } = await aws().transfer.send(new DescribeServerCommand({ ServerId: serverId }));
    return Server ? toSummary(Server, null) : null;
  } catch (err) {
    if (err instanceof Error && (err.name === 'ResourceNotFoundException' || err.name === 'InvalidRequestException')) return null;
    throw err;
  }
}

/** Forgets cached server descriptions (tests). */
export function forgetServerDescriptions(): void {
  described.clear();
}

export async function listServers(): Promise<ServerSummary[]> {
  const ids: string[] = [];
  const counts = new Map<string, number>();
  for await (const page of paginateListServers({ client: aws().transfer, pageSize: 100 }, {})) {
    for (const server of page.Servers ?? []) {
      if (!server.ServerId) continue;
      ids.push(server.ServerId);
      counts.set(server.ServerId, server.UserCount ?? 0);
    }
  }
  return Promise.all(
    ids.map(async (serverId) => {
      const { Server } = await aws().transfer.send(new DescribeServerCommand({ ServerId: serverId }));
      const lambda = Server?.IdentityProviderType === 'AWS_LAMBDA';
      // A Lambda server's users are counted from the user index, lazily (see the Servers page):
      // Transfer reports none for custom identity providers.
      const summary = toSummary(Server ?? { ServerId: serverId, Arn: '' }, lambda ? null : (counts.get(serverId) ?? null));
      if (Server) described.set(serverId, { at: Date.now(), server: Promise.resolve(summary) });
      return summary;
    }),
  );
}
