// A login tried through Transfer's TestIdentityProvider: the Lambda's real answer, secret-free.
import 'server-only';
import { TestIdentityProviderCommand } from '@aws-sdk/client-transfer';
import { aws } from '../../aws/clients';
import type { Actor } from '../../auth/roles';
import { readHomeDirectoryDetails, readPosixProfile, type HomeDirectoryMapping, type PosixProfile, type Protocol } from '../../secret/contract';
import { recordAudit } from '../audit';
import { requireManageableServer } from './shared';

export type TestLoginResult = {
  allowed: boolean;
  statusCode: number;
  message: string;
  role: string | null;
  homeDirectoryType: string | null;
  homeDirectory: string | null;
  homeDirectoryMappings: HomeDirectoryMapping[];
  posixProfile: PosixProfile | null;
};

export async function testLogin(
  serverId: string,
  request: { username: string; password: string; sourceIp?: string; protocol?: Protocol },
  actor: Actor,
): Promise<TestLoginResult> {
  await requireManageableServer(serverId);
  const result = await aws().transfer.send(
    new TestIdentityProviderCommand({
      ServerId: serverId,
      UserName: request.username,
      UserPassword: request.password,
      ServerProtocol: request.protocol ?? 'SFTP',
      ...(request.sourceIp ? { SourceIp: request.sourceIp } : {}),
    }),
  );
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(result.Response ?? '{}') as Record<string, unknown>;
  } catch {
    answer = {};
  }
  const allowed = typeof answer.Role === 'string' && answer.Role !== '';
  const mappings = answer.HomeDirectoryDetails !== undefined ? readHomeDirectoryDetails(answer.HomeDirectoryDetails) : null;
  const posix = answer.PosixProfile !== undefined ? readPosixProfile(answer.PosixProfile) : null;
  await recordAudit(actor, 'user.test-login', serverId, request.username, { allowed, protocol: request.protocol ?? 'SFTP' });
  return {
    allowed,
    statusCode: result.StatusCode ?? 0,
    message: result.Message ?? '',
    role: allowed ? (answer.Role as string) : null,
    homeDirectoryType: typeof answer.HomeDirectoryType === 'string' ? answer.HomeDirectoryType : answer.HomeDirectory ? 'PATH' : null,
    homeDirectory: typeof answer.HomeDirectory === 'string' ? answer.HomeDirectory : null,
    homeDirectoryMappings: mappings?.ok ? mappings.value : [],
    posixProfile: posix?.ok ? posix.value : null,
  };
}
