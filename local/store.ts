// The local stack's state: one JSON document in memory, persisted to `<dataDir>/state.json`.
// Every operation changes memory synchronously (Node runs one at a time, so each is atomic), then
// waits for a flush that contains its change: writes are grouped, and each flush is a temp file,
// fsync and rename, so a crash leaves the old state or the new one, never half of one.
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

export type Tag = { Key: string; Value: string };

export type SecretVersion = {
  versionId: string;
  secretString?: string;
  secretBinary?: string; // base64
  createdDate: number; // epoch seconds
  lastAccessedDate?: number;
  stages: string[];
};

export type SecretRecord = {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  deletedDate?: number;
  versions: SecretVersion[]; // oldest first
};

export type ServerRecord = {
  ServerId: string;
  Arn: string;
  Domain: 'S3' | 'EFS';
  EndpointType: 'PUBLIC' | 'VPC' | 'VPC_ENDPOINT';
  IdentityProviderType: 'SERVICE_MANAGED' | 'API_GATEWAY' | 'AWS_DIRECTORY_SERVICE' | 'AWS_LAMBDA';
  IdentityProviderDetails?: { Function?: string; SftpAuthenticationMethods?: string };
  Protocols: string[];
  State: string;
  SecurityPolicyName: string;
  LoggingRole?: string;
  HostKeyFingerprint?: string;
  UserCount: number;
  Tags: Tag[];
};

export type FileSystemRecord = {
  FileSystemId: string;
  Name: string;
  CreationTime: number;
  LifeCycleState: string;
  SizeInBytes: number;
  PerformanceMode: string;
  ThroughputMode: string;
  Encrypted: boolean;
  KmsKeyId?: string;
  AvailabilityZoneName?: string;
  AvailabilityZoneId?: string;
  NumberOfMountTargets: number;
  Tags: Tag[];
};

export type AccessPointRecord = {
  AccessPointId: string;
  FileSystemId: string;
  Name: string;
  PosixUser?: { Uid: number; Gid: number; SecondaryGids?: number[] };
  RootDirectory: { Path: string; CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string } };
  LifeCycleState: string;
  Tags: Tag[];
};

export type RoleRecord = {
  RoleName: string;
  RoleId: string;
  Path: string;
  CreateDate: string;
  Description?: string;
  AssumeRolePolicyDocument: string; // JSON text
  MaxSessionDuration: number;
};

export type LogEvent = { timestamp: number; message: string; ingestionTime: number; eventId: string };
export type LogGroupRecord = { logGroupName: string; creationTime: number; retentionInDays?: number; streams: Record<string, { creationTime: number; events: LogEvent[] }> };

export type State = {
  version: 1;
  region: string;
  accountId: string;
  secrets: Record<string, SecretRecord>; // by name
  servers: ServerRecord[];
  fileSystems: FileSystemRecord[];
  accessPoints: AccessPointRecord[];
  roles: RoleRecord[];
  logGroups: Record<string, LogGroupRecord>;
};

export function emptyState(region = 'us-east-1'): State {
  return { version: 1, region, accountId: '000000000000', secrets: {}, servers: [], fileSystems: [], accessPoints: [], roles: [], logGroups: {} };
}

export class Store {
  readonly file: string;
  state: State;
  private flushing: Promise<void> | null = null;
  private dirty = false;
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'state.json');
    this.state = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as State) : emptyState();
  }

  get isNew(): boolean {
    return !existsSync(this.file);
  }

  /** Resolves once a flush that includes every change made so far is on disk. */
  commit(): Promise<void> {
    this.dirty = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return done;
  }

  private async flushLoop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const waiters = this.waiters;
      this.waiters = [];
      try {
        await this.writeAtomically(JSON.stringify(this.state));
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        for (const waiter of waiters) waiter.reject(err);
      }
    }
    this.flushing = null;
  }

  private async writeAtomically(text: string): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }

  /** Waits for pending writes (used on shutdown). */
  async settle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
