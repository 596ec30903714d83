// The login state machine of one connection: each SSH authentication request asks the identity
// provider with the event Transfer sends, and honours the server's SftpAuthenticationMethods.
import { createHash } from 'node:crypto';
import ssh2, { type AuthContext, type AuthenticationType, type ParsedKey, type PublicKeyAuthContext } from 'ssh2';
import type { LoginLogRecord } from '../../lambda/handler';
import type { LoginPenalties, SftpLimits } from './limits';
import { sessionFrom, type Session } from './session';

export type SftpAuthenticationMethods = 'PASSWORD' | 'PUBLIC_KEY' | 'PUBLIC_KEY_OR_PASSWORD' | 'PUBLIC_KEY_AND_PASSWORD';

export type LoginOptions = {
  serverId: string;
  efsRoot: string;
  sourceIp: string;
  authenticationMethods: SftpAuthenticationMethods;
  authenticate(event: Record<string, unknown>): Promise<Record<string, unknown>>;
  log: (line: Record<string, unknown>) => void;
  recordLogin?: (record: LoginLogRecord) => void;
  limits: SftpLimits;
  penalties: LoginPenalties;
  /** Ends the connection (too many failures). */
  disconnect(): void;
};

/** A user name as logged: Transfer's are at most 100 characters, a client may send 35,000. */
const shown = (username: string) => username.slice(0, 128);

/** The OpenSSH public-key line among `publicKeys` that is the client's key, or null. */
function keyMatches(ctx: PublicKeyAuthContext, publicKeys: unknown): string | null {
  if (!Array.isArray(publicKeys)) return null;
  for (const line of publicKeys) {
    if (typeof line !== 'string') continue;
    const [type, data] = line.trim().split(/\s+/);
    if (type === ctx.key.algo && data && Buffer.from(data, 'base64').equals(ctx.key.data)) return line;
  }
  return null;
}

export class LoginFlow {
  /** The session of the accepted login, set just before the connection becomes ready. */
  session: Session | null = null;
  private keyVerifiedFor: string | null = null;
  private failures = 0;
  private readonly allowed: AuthenticationType[];

  constructor(private readonly options: LoginOptions) {
    const methods = options.authenticationMethods;
    this.allowed = methods === 'PASSWORD' ? ['password'] : methods === 'PUBLIC_KEY' ? ['publickey'] : ['publickey', 'password'];
  }

  private async ask(username: string, password?: string): Promise<Record<string, unknown>> {
    try {
      return await this.options.authenticate({
        username,
        ...(password === undefined ? {} : { password }),
        protocol: 'SFTP',
        serverId: this.options.serverId,
        sourceIp: this.options.sourceIp,
      });
    } catch {
      return {};
    }
  }

  /** Answers one authentication request; never throws. */
  async attempt(ctx: AuthContext): Promise<void> {
    try {
      await this.decide(ctx);
    } catch {
      ctx.reject();
    }
  }

  /**
   * A failed attempt: counted against MaxAuthTries (the last one allowed closes the connection, as
   * sshd does) and, when it was a wrong credential, against the user's and the source's back-off.
   */
  private fail(ctx: AuthContext, remaining: AuthenticationType[], penalise: boolean): void {
    const { limits, penalties, sourceIp, log } = this.options;
    if (penalise) penalties.recordFailure(ctx.username, sourceIp);
    this.failures += 1;
    ctx.reject(remaining);
    if (this.failures >= limits.maxAuthTries) {
      log({ event: 'sftp-auth-limit', username: shown(ctx.username), sourceIp, failures: this.failures });
      this.options.disconnect();
    }
  }

  private succeed(ctx: AuthContext, session: Session): void {
    this.session = session;
    this.options.penalties.recordSuccess(ctx.username, this.options.sourceIp);
    ctx.accept();
  }

  private recordKeyNotOnFile(ctx: PublicKeyAuthContext): void {
    try {
      this.options.recordLogin?.({
        level: 'info',
        event: 'login',
        decision: 'deny',
        reason: 'PUBLIC_KEY_NOT_ON_FILE',
        serverId: this.options.serverId,
        username: shown(ctx.username),
        protocol: 'SFTP',
        sourceIp: this.options.sourceIp,
        method: 'publickey',
        requestId: null,
        coldStart: false,
        latencyMs: 0,
        keyFingerprint: `SHA256:${createHash('sha256').update(ctx.key.data).digest('base64').replace(/=+$/, '')}`,
      });
    } catch {
      // Recording is best effort; the refusal itself stands.
    }
  }

  private async decide(ctx: AuthContext): Promise<void> {
    const { authenticationMethods: methods, efsRoot, sourceIp, log, penalties } = this.options;
    const remaining: AuthenticationType[] =
      methods === 'PUBLIC_KEY_AND_PASSWORD' && this.keyVerifiedFor === ctx.username ? ['password'] : this.allowed;
    // Clients open with `none` to learn the methods; sshd does not count it as an attempt.
    if (ctx.method === 'none') return ctx.reject(remaining);
    if (this.failures >= this.options.limits.maxAuthTries) return this.options.disconnect();
    const wait = penalties.backOff(ctx.username, sourceIp);
    if (wait > 0) {
      log({
        event: 'sftp-auth',
        method: ctx.method,
        username: shown(ctx.username),
        sourceIp,
        decision: 'deny',
        reason: 'back-off',
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
      return this.fail(ctx, remaining, false);
    }
    if (
      ctx.method === 'password' &&
      remaining.includes('password') &&
      (methods !== 'PUBLIC_KEY_AND_PASSWORD' || this.keyVerifiedFor === ctx.username)
    ) {
      const answer = await this.ask(ctx.username, ctx.password);
      const next = ctx.password !== '' ? sessionFrom(ctx.username, answer, efsRoot) : null;
      log({ event: 'sftp-auth', method: 'password', username: shown(ctx.username), sourceIp, decision: next ? 'allow' : 'deny' });
      if (next) return this.succeed(ctx, next);
      return this.fail(ctx, remaining, true);
    }
    if (ctx.method === 'publickey' && remaining.includes('publickey')) {
      const answer = await this.ask(ctx.username);
      const line = keyMatches(ctx, answer.PublicKeys);
      const next = line ? sessionFrom(ctx.username, answer, efsRoot) : null;
      if (!line || !next) {
        log({ event: 'sftp-auth', method: 'publickey', username: shown(ctx.username), sourceIp, decision: 'deny' });
        // The Lambda returned the keys on file and allowed the login; only the endpoint knows the
        // offered key is not among them (Transfer logs this in the server's own log group).
        if (Array.isArray(answer.PublicKeys)) this.recordKeyNotOnFile(ctx);
        return this.fail(ctx, remaining, false);
      }
      // The first, unsigned try only asks whether this key would do.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      const parsed = ssh2.utils.parseKey(line);
      const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
      if (!key || key instanceof Error || !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
        log({ event: 'sftp-auth', method: 'publickey', username: shown(ctx.username), sourceIp, decision: 'deny', reason: 'bad-signature' });
        return this.fail(ctx, remaining, true);
      }
      log({
        event: 'sftp-auth',
        method: 'publickey',
        username: shown(ctx.username),
        sourceIp,
        decision: 'allow',
        key: createHash('sha256').update(ctx.key.data).digest('base64').replace(/=+$/, ''),
      });
      if (methods === 'PUBLIC_KEY_AND_PASSWORD') {
        this.keyVerifiedFor = ctx.username;
        return ctx.reject(['password'], true);
      }
      return this.succeed(ctx, next);
    }
    this.fail(ctx, remaining, false);
  }
}
