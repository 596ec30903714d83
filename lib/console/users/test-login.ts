// A login tried through Transfer's TestIdentityProvider (the deployed Lambda's real answer), explained
// by the same decision the Lambda runs, read here against the user's secret: the reason in the
// history's words, and for a key test whether the key is on file. Never a password or hash out.
import 'server-only';
import { TestIdentityProviderCommand } from '@aws-sdk/client-transfer';
import { aws } from '../../aws/clients';
import type { Actor } from '../../auth/roles';
import { decideLogin } from '../../idp/decide-login';
import {
  readHomeDirectoryDetails,
  readPosixProfile,
  summarizeStoredSecret,
  type HomeDirectoryMapping,
  type PosixProfile,
  type Protocol,
} from '../../secret/contract';
import { parseSshPublicKey } from '../../secret/ssh-public-key';
import { verifyUserPassword } from '../argon2';
import { recordAudit } from '../audit';
import { explainLogin } from '../login-reasons';
import type { LoginReason } from '../login-records';
import { lastDisable } from './user-activity';
import { readCurrent, requireManageableServer } from './shared';
import { ConsoleError, NotFoundError } from '../errors';

export type TestLoginResult = {
  allowed: boolean;
  method: 'password' | 'publickey';
  reason: LoginReason;
  /** The reason in the same words as the login history. */
  explanation: string;
  statusCode: number;
  message: string;
  /** For a key test: the tested key's fingerprint and whether it is among the keys on file. */
  key: { fingerprint: string; onFile: boolean } | null;
  /** Set when the deployed Lambda's answer differs from the decision Transfer Desk expects. */
  mismatch: string | null;
  role: string | null;
  homeDirectoryType: string | null;
  homeDirectory: string | null;
  homeDirectoryMappings: HomeDirectoryMapping[];
  posixProfile: PosixProfile | null;
};

export type TestLoginRequest = { username: string; password?: string; publicKey?: string; sourceIp?: string; protocol?: Protocol };

const blobOf = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');

export async function testLogin(serverId: string, request: TestLoginRequest, actor: Actor): Promise<TestLoginResult> {
  await requireManageableServer(serverId);
  const protocol = request.protocol ?? 'SFTP';
  const method = request.publicKey ? 'publickey' : 'password';
  const password = method === 'password' ? (request.password ?? '') : '';
  const tested = request.publicKey ? parseSshPublicKey(request.publicKey) : null;
  if (tested && !tested.ok) throw new ConsoleError(tested.error, { publicKey: [tested.error] });

  const result = await aws().transfer.send(
    new TestIdentityProviderCommand({
      ServerId: serverId,
      UserName: request.username,
      ...(password ? { UserPassword: password } : {}),
      ServerProtocol: protocol,
      ...(request.sourceIp ? { SourceIp: request.sourceIp } : {}),
    }),
  );
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(result.Response ?? '{}') as Record<string, unknown>;
  } catch {
    answer = {};
  }
  const lambdaAllowed = typeof answer.Role === 'string' && answer.Role !== '';

  // The same decision, read here, for the reason the answer does not carry.
  let secretString: string | null = null;
  let summary: ReturnType<typeof summarizeStoredSecret> | null = null;
  try {
    const current = await readCurrent(serverId, request.username);
    secretString = current.raw;
    summary = summarizeStoredSecret(current.secret);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const decision = await decideLogin(
    { username: request.username, password, protocol, serverId, sourceIp: request.sourceIp || null },
    secretString,
    new Date(),
    verifyUserPassword,
  );
  let reason: LoginReason = decision.reason;
  let allowed = decision.allowed;

  let key: TestLoginResult['key'] = null;
  if (tested?.ok) {
    const returned = Array.isArray(answer.PublicKeys) ? answer.PublicKeys.filter((k): k is string => typeof k === 'string') : [];
    const onFile = returned.some((line) => blobOf(line) === blobOf(tested.key.line));
    key = { fingerprint: tested.key.fingerprint, onFile };
    if (allowed && !onFile) {
      allowed = false;
      reason = 'PUBLIC_KEY_NOT_ON_FILE';
    }
  }
  const mismatch =
    lambdaAllowed !== decision.allowed
      ? `The deployed identity provider ${lambdaAllowed ? 'allowed' : 'refused'} this login, but Transfer Desk’s decision ${decision.allowed ? 'allows' : 'refuses'} it: the function may run another version of the code.`
      : null;
  if (!lambdaAllowed) allowed = false;

  const disabledBy = reason === 'USER_DISABLED' ? await lastDisable(serverId, request.username) : null;
  const explanation = explainLogin(
    { decision: allowed ? 'allow' : 'deny', reason, protocol, method, sourceIp: request.sourceIp || null },
    { acceptedIpNetworks: summary?.acceptedIpNetworks ?? [], expiresAt: summary?.expiresAt ?? null, disabledBy },
  );
  const mappings = answer.HomeDirectoryDetails !== undefined ? readHomeDirectoryDetails(answer.HomeDirectoryDetails) : null;
  const posix = answer.PosixProfile !== undefined ? readPosixProfile(answer.PosixProfile) : null;
  await recordAudit(actor, 'user.test-login', serverId, request.username, { allowed, protocol, method, reason });
  return {
    allowed,
    method,
    reason,
    explanation,
    statusCode: result.StatusCode ?? 0,
    message: result.Message ?? '',
    key,
    mismatch,
    role: allowed ? (answer.Role as string) : null,
    homeDirectoryType: !allowed
      ? null
      : typeof answer.HomeDirectoryType === 'string'
        ? answer.HomeDirectoryType
        : answer.HomeDirectory
          ? 'PATH'
          : null,
    homeDirectory: allowed && typeof answer.HomeDirectory === 'string' ? answer.HomeDirectory : null,
    homeDirectoryMappings: allowed && mappings?.ok ? mappings.value : [],
    posixProfile: allowed && posix?.ok ? posix.value : null,
  };
}
