// Connection instructions for a user: host, port, user name, the server's host-key fingerprint and the
// folders they will see; as text ready to send. Pure, so the page and the tests share it.
import type { UserSecretSummary } from '../secret/contract';

export type ConnectionServer = {
  serverId: string;
  protocols: string[];
  localEndpoint: string | null;
  customHostname: string | null;
  hostKeyFingerprint: string | null;
};

export type ConnectionDetails = {
  host: string;
  port: number;
  username: string;
  protocols: string[];
  hostKeyFingerprint: string | null;
  folders: string[];
};

/** The host and port a client dials: the local endpoint locally, else the custom hostname or Transfer's DNS name. */
export function endpointOf(server: ConnectionServer, region: string): { host: string; port: number } {
  if (server.localEndpoint) {
    const match = /^(.*):(\d{1,5})$/.exec(server.localEndpoint);
    if (match) return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
  }
  return { host: server.customHostname ?? `${server.serverId}.server.transfer.${region}.amazonaws.com`, port: 22 };
}

/** What the user sees at the top of their session: the logical entries, or `/` for a path home. */
export function foldersOf(summary: Pick<UserSecretSummary, 'homeDirectoryType' | 'homeDirectoryMappings' | 'homeDirectory'>): string[] {
  if (summary.homeDirectoryType === 'LOGICAL') return summary.homeDirectoryMappings.map((m) => m.Entry);
  return summary.homeDirectory ? ['/ (your home folder)'] : [];
}

export function connectionDetails(
  server: ConnectionServer,
  region: string,
  username: string,
  summary: Parameters<typeof foldersOf>[0],
): ConnectionDetails {
  const { host, port } = endpointOf(server, region);
  return { host, port, username, protocols: server.protocols, hostKeyFingerprint: server.hostKeyFingerprint, folders: foldersOf(summary) };
}

/** The instructions as plain text; the password only when one was just generated. */
export function connectionText(details: ConnectionDetails, password?: string): string {
  const lines = [
    `Host: ${details.host}`,
    `Port: ${details.port}`,
    `User name: ${details.username}`,
    ...(password ? [`Password: ${password}`] : []),
    `Protocols: ${details.protocols.join(', ')}`,
    `Host-key fingerprint: ${details.hostKeyFingerprint ?? 'not published by the server'}`,
    `Folders: ${details.folders.length ? details.folders.join(', ') : 'your home folder'}`,
    '',
    `Example: sftp -P ${details.port} ${details.username}@${details.host}`,
    'Check that the fingerprint your client shows on first connection matches the one above.',
  ];
  return lines.join('\n');
}
