// What one client may cost the endpoint, after OpenSSH's sshd: MaxAuthTries, LoginGraceTime,
// MaxStartups / PerSourceMaxStartups and PerSourcePenalties, plus a cap on open SFTP handles.
// Defaults and the environment variables that change them are listed in local/sftp/README.md.

export type SftpLimits = {
  /** Failed authentication attempts one connection may make; the last one closes it (MaxAuthTries). */
  maxAuthTries: number;
  /** Seconds a connection has to log in before it is closed (LoginGraceTime). */
  loginGraceTimeSeconds: number;
  /** Connections not yet logged in, in total; more are closed at once (MaxStartups). */
  maxStartups: number;
  /** Connections not yet logged in from one source address (PerSourceMaxStartups). */
  perSourceMaxStartups: number;
  /** Failures of one user name from one source before back-off starts. */
  userPenaltyFreeFailures: number;
  /** Failures from one source, whatever the user name, before back-off starts. */
  sourcePenaltyFreeFailures: number;
  /** The first back-off; it doubles with every further failure (PerSourcePenalties). */
  penaltyBaseSeconds: number;
  /** The longest back-off. Failures are forgotten this long after the last one, or at a login. */
  penaltyMaxSeconds: number;
  /** Open file and directory handles per SFTP session; more are answered FAILURE. */
  maxOpenHandles: number;
  /** Open handles of one user name across all its sessions and connections. */
  maxUserHandles: number;
  /** Session channels open at once on one connection (MaxSessions). */
  maxSessions: number;
};

export const DEFAULT_SFTP_LIMITS: SftpLimits = {
  maxAuthTries: 6,
  loginGraceTimeSeconds: 120,
  maxStartups: 100,
  perSourceMaxStartups: 10,
  userPenaltyFreeFailures: 3,
  sourcePenaltyFreeFailures: 30,
  penaltyBaseSeconds: 2,
  penaltyMaxSeconds: 300,
  maxOpenHandles: 512,
  maxUserHandles: 1024,
  maxSessions: 10,
};

/** The environment variable that sets each limit. */
export const SFTP_LIMIT_VARIABLES: Record<keyof SftpLimits, string> = {
  maxAuthTries: 'LOCAL_SFTP_MAX_AUTH_TRIES',
  loginGraceTimeSeconds: 'LOCAL_SFTP_LOGIN_GRACE_TIME',
  maxStartups: 'LOCAL_SFTP_MAX_STARTUPS',
  perSourceMaxStartups: 'LOCAL_SFTP_PER_SOURCE_MAX_STARTUPS',
  userPenaltyFreeFailures: 'LOCAL_SFTP_USER_PENALTY_FREE_FAILURES',
  sourcePenaltyFreeFailures: 'LOCAL_SFTP_SOURCE_PENALTY_FREE_FAILURES',
  penaltyBaseSeconds: 'LOCAL_SFTP_PENALTY_BASE',
  penaltyMaxSeconds: 'LOCAL_SFTP_PENALTY_MAX',
  maxOpenHandles: 'LOCAL_SFTP_MAX_HANDLES',
  maxUserHandles: 'LOCAL_SFTP_MAX_USER_HANDLES',
  maxSessions: 'LOCAL_SFTP_MAX_SESSIONS',
};

/** The defaults, overridden by the environment, overridden by `given`; a bad value is an error that names it. */
export function resolveSftpLimits(given: Partial<SftpLimits> = {}, env: Record<string, string | undefined> = process.env): SftpLimits {
  const limits = { ...DEFAULT_SFTP_LIMITS };
  for (const key of Object.keys(DEFAULT_SFTP_LIMITS) as (keyof SftpLimits)[]) {
    const variable = SFTP_LIMIT_VARIABLES[key];
    const text = env[variable];
    if (text !== undefined && text !== '') {
      const value = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0)) throw new Error(`${variable} must be a positive number, not "${text}"`);
      limits[key] = value;
    }
    const value = given[key];
    if (value !== undefined) {
      if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) throw new Error(`The SFTP limit ${key} must be a positive number`);
      limits[key] = value;
    }
  }
  return limits;
}

type FailureRecord = { failures: number; lastFailure: number };

/**
 * Back-off after failed logins, per user name and source and per source alone: after the free
 * failures, each further failure closes the door for base × 2^n seconds (at most max). Attempts
 * during back-off are refused without asking the identity provider and do not extend it.
 */
export class LoginPenalties {
  private readonly records = new Map<string, FailureRecord>();
  private static readonly MAX_RECORDS = 50_000;

  constructor(
    private readonly limits: SftpLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private static userKey(username: string, sourceIp: string): string {
    // Transfer's user names are at most 100 characters; a longer one must not cost more memory.
    return `user\u0000${sourceIp}\u0000${username.slice(0, 128)}`;
  }

  private static sourceKey(sourceIp: string): string {
    return `source\u0000${sourceIp}`;
  }

  private remaining(key: string, free: number): number {
    const record = this.records.get(key);
    if (!record) return 0;
    const now = this.now();
    if (now - record.lastFailure > this.limits.penaltyMaxSeconds * 1000) {
      this.records.delete(key);
      return 0;
    }
    if (record.failures <= free) return 0;
    const penalty = Math.min(this.limits.penaltyBaseSeconds * 2 ** (record.failures - free - 1), this.limits.penaltyMaxSeconds) * 1000;
    return Math.max(0, record.lastFailure + penalty - now);
  }

  /** Milliseconds until this user name may try again from this source (0: now). */
  backOff(username: string, sourceIp: string): number {
    return Math.max(
      this.remaining(LoginPenalties.userKey(username, sourceIp), this.limits.userPenaltyFreeFailures),
      this.remaining(LoginPenalties.sourceKey(sourceIp), this.limits.sourcePenaltyFreeFailures),
    );
  }

  recordFailure(username: string, sourceIp: string): void {
    for (const key of [LoginPenalties.userKey(username, sourceIp), LoginPenalties.sourceKey(sourceIp)]) {
      const record = this.records.get(key);
      const now = this.now();
      const remembered = record && now - record.lastFailure <= this.limits.penaltyMaxSeconds * 1000 ? record.failures : 0;
      this.records.delete(key);
      // Re-inserted, so the Map's order is oldest failure first and the oldest is dropped at the cap.
      this.records.set(key, { failures: remembered + 1, lastFailure: now });
    }
    while (this.records.size > LoginPenalties.MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  /** A login clears that user name's failures from that source (the source's own count stays). */
  recordSuccess(username: string, sourceIp: string): void {
    this.records.delete(LoginPenalties.userKey(username, sourceIp));
  }
}

/** Open handles per user name across every session of one endpoint, so more connections buy no more. */
export class UserHandleBudget {
  private readonly inUse = new Map<string, number>();

  constructor(private readonly max: number) {}

  take(username: string): boolean {
    const used = this.inUse.get(username) ?? 0;
    if (used >= this.max) return false;
    this.inUse.set(username, used + 1);
    return true;
  }

  give(username: string, count = 1): void {
    const left = (this.inUse.get(username) ?? 0) - count;
    if (left > 0) this.inUse.set(username, left);
    else this.inUse.delete(username);
  }
}
