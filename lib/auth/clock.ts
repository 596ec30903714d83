// The one clock of sign-in and sessions, replaceable in tests (idle and absolute timeouts).
export const clock = { now: (): number => Date.now() };
