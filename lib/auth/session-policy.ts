// How long a console session may live, from the environment (documented in the README).
const positiveSeconds = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

export type SessionPolicy = { absoluteMs: number; idleMs: number; oidcRecheckMs: number };

export function sessionPolicy(env: Record<string, string | undefined> = process.env): SessionPolicy {
  return {
    absoluteMs: positiveSeconds(env.SESSION_MAX_AGE_SECONDS, 8 * 60 * 60) * 1000,
    idleMs: positiveSeconds(env.SESSION_IDLE_SECONDS, 30 * 60) * 1000,
    oidcRecheckMs: positiveSeconds(env.OIDC_ROLE_RECHECK_SECONDS, 5 * 60) * 1000,
  };
}
