import type { Store } from '../store';

export type ServiceContext = {
  store: Store;
  region: string;
  /** This stack's own endpoint, for operations that call back into it (TestIdentityProvider). */
  endpoint: string;
  /** Where the identity provider's login lines go. */
  logLogin?: (record: unknown) => void;
};

export type Operation = {
  /** Changes state: the answer waits until the change is on disk. */
  mutates?: boolean;
  handler(input: Record<string, unknown>, ctx: ServiceContext): unknown;
};

export type Operations = Record<string, Operation>;
