// The local stack's state: in memory, persisted under `<dataDir>` as a snapshot (`state.json`) plus an
// append-only journal (`state.journal`) of the records each change touched. A commit appends and
// fsyncs only what changed, so a write costs O(change) however many secrets exist; once the journal
// outgrows the snapshot it is compacted into a new snapshot (temp file, fsync, rename). Every line
// carries a sequence number and the snapshot the last one it holds, so a crash at any point replays
// to the last acknowledged change, and a torn last line is dropped on restart.
// Keys a caller chooses (regions, secret names, log groups, streams) live in Maps, never in plain
// objects, so no name such as `__proto__` can reach a prototype.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
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
  /** Absent until the secret is first tagged (AWS omits Tags until then, and answers [] after untagging all). */
  tags?: Tag[];
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
export type LogStreamRecord = { creationTime: number; events: LogEvent[] };
export type LogGroupMeta = { logGroupName: string; creationTime: number; retentionInDays?: number };
export type LogGroupRecord = LogGroupMeta & { streams: Map<string, LogStreamRecord> };

/** What one region holds; regional services see only their region's. */
export type RegionState = { secrets: Map<string, SecretRecord>; logGroups: Map<string, LogGroupRecord> };

export type State = {
  version: 2;
  /** The region of the demo servers, file systems and access points (Transfer and EFS are regional). */
  region: string;
  accountId: string;
  servers: ServerRecord[];
  fileSystems: FileSystemRecord[];
  accessPoints: AccessPointRecord[];
  roles: RoleRecord[]; // IAM is global
  regions: Map<string, RegionState>;
};

type SnapshotFile = Omit<State, 'regions'> & {
  seq: number;
  regions: { region: string; secrets: SecretRecord[]; logGroups: (LogGroupMeta & { streams: ({ name: string } & LogStreamRecord)[] })[] }[];
};

/** The single-region layout written before regions existed (state.json version 1). */
type LegacyState = {
  version: 1;
  region?: string;
  accountId?: string;
  secrets?: Record<string, SecretRecord>;
  servers?: ServerRecord[];
  fileSystems?: FileSystemRecord[];
  accessPoints?: AccessPointRecord[];
  roles?: RoleRecord[];
  logGroups?: Record<string, LogGroupMeta & { streams?: Record<string, LogStreamRecord> }>;
};

type JournalEntry =
  | { n: number; op: 'secret'; region: string; name: string; record: SecretRecord | null }
  | { n: number; op: 'accessed'; region: string; name: string; versionId: string; day: number }
  | { n: number; op: 'logGroup'; region: string; name: string; group: LogGroupMeta | null }
  | { n: number; op: 'logStream'; region: string; group: string; name: string; creationTime: number }
  | { n: number; op: 'logEvents'; region: string; group: string; stream: string; events: LogEvent[] };

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export const DEFAULT_REGION = 'us-east-1';
/** The journal is compacted once it is this large and larger than the snapshot it extends. */
const MIN_COMPACTION_BYTES = 4 * 1024 * 1024;

export function emptyState(region = DEFAULT_REGION): State {
  return { version: 2, region, accountId: '000000000000', servers: [], fileSystems: [], accessPoints: [], roles: [], regions: new Map() };
}

function emptyRegion(): RegionState {
  return { secrets: new Map(), logGroups: new Map() };
}

function fromSnapshot(file: SnapshotFile): { state: State; seq: number } {
  const regions = new Map<string, RegionState>();
  for (const region of file.regions) {
    regions.set(region.region, {
      secrets: new Map(region.secrets.map((secret) => [secret.name, secret])),
      logGroups: new Map(
        region.logGroups.map(({ streams, ...meta }) => [
          meta.logGroupName,
          { ...meta, streams: new Map(streams.map(({ name, ...stream }) => [name, stream])) },
        ]),
      ),
    });
  }
  const { seq, regions: _regions, ...rest } = file;
  return { state: { ...rest, version: 2, regions }, seq };
}

/** Version-1 state was single-region: its secrets and log groups move to its region (us-east-1 unless the demo data said otherwise). */
export function migrateLegacy(legacy: LegacyState): State {
  const state = emptyState(legacy.region ?? DEFAULT_REGION);
  state.accountId = legacy.accountId ?? state.accountId;
  state.servers = legacy.servers ?? [];
  state.fileSystems = legacy.fileSystems ?? [];
  state.accessPoints = legacy.accessPoints ?? [];
  state.roles = legacy.roles ?? [];
  const region = emptyRegion();
  for (const secret of Object.values(legacy.secrets ?? {})) region.secrets.set(secret.name, secret);
  for (const group of Object.values(legacy.logGroups ?? {})) {
    const { streams, ...meta } = group;
    region.logGroups.set(meta.logGroupName, { ...meta, streams: new Map(Object.entries(streams ?? {})) });
  }
  state.regions.set(state.region, region);
  return state;
}

function toSnapshot(state: State, seq: number): SnapshotFile {
  const { regions, ...rest } = state;
  return {
    ...rest,
    seq,
    regions: [...regions]
      .filter(([, { secrets, logGroups }]) => secrets.size > 0 || logGroups.size > 0)
      .map(([region, { secrets, logGroups }]) => ({
        region,
        secrets: [...secrets.values()],
        logGroups: [...logGroups.values()].map(({ streams, ...meta }) => ({
          ...meta,
          streams: [...streams].map(([name, stream]) => ({ name, ...stream })),
        })),
      })),
  };
}

export class Store {
  readonly file: string;
  readonly journalFile: string;
  state: State;
  /** True when the data directory held no state when this store opened it. */
  readonly isNew: boolean;
  private seq = 0;
  private pending: string[] = [];
  private snapshotWanted: boolean;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private journal: FileHandle | null = null;
  private flushing: Promise<void> | null = null;
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  private readonly compactAfterBytes: number;

  constructor(
    readonly dataDir: string,
    options: { compactAfterBytes?: number } = {},
  ) {
    this.compactAfterBytes = options.compactAfterBytes ?? MIN_COMPACTION_BYTES;
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'state.json');
    this.journalFile = path.join(dataDir, 'state.journal');
    this.removeCrashLeftovers();
    this.isNew = !existsSync(this.file);
    let migrated = false;
    if (this.isNew) {
      this.state = emptyState();
    } else {
      const text = readFileSync(this.file, 'utf8');
      this.snapshotBytes = Buffer.byteLength(text);
      const parsed = JSON.parse(text) as SnapshotFile | LegacyState;
      if (parsed.version === 1) {
        this.state = migrateLegacy(parsed);
        migrated = true;
      } else {
        const loaded = fromSnapshot(parsed);
        this.state = loaded.state;
        this.seq = loaded.seq;
      }
    }
    const replayed = this.replayJournal();
    // A new, migrated or replayed store starts from a fresh snapshot and an empty journal.
    this.snapshotWanted = this.isNew || migrated || replayed > 0;
  }

  get homeRegion(): string {
    return this.state.region;
  }

  /** A region's state, created empty on first use (a region holds nothing until written to). */
  region(name: string): RegionState {
    let region = this.state.regions.get(name);
    if (!region) {
      region = emptyRegion();
      this.state.regions.set(name, region);
    }
    return region;
  }

  /** Records that a secret was created or changed (its whole record goes to the journal). */
  putSecret(region: string, secret: SecretRecord): void {
    this.region(region).secrets.set(secret.name, secret);
    this.record({ op: 'secret', region, name: secret.name, record: secret });
  }

  deleteSecret(region: string, name: string): void {
    this.region(region).secrets.delete(name);
    this.record({ op: 'secret', region, name, record: null });
  }

  /** Records the day a secret's version was read (LastAccessedDate): a small record, not the whole secret. */
  markSecretAccessed(region: string, secret: SecretRecord, version: SecretVersion, day: number): void {
    secret.lastAccessedDate = day;
    version.lastAccessedDate = day;
    this.record({ op: 'accessed', region, name: secret.name, versionId: version.versionId, day });
  }

  putLogGroup(region: string, group: LogGroupRecord): void {
    this.region(region).logGroups.set(group.logGroupName, group);
    const { streams: _streams, ...meta } = group;
    this.record({ op: 'logGroup', region, name: group.logGroupName, group: meta });
  }

  putLogStream(region: string, group: LogGroupRecord, name: string, stream: LogStreamRecord): void {
    group.streams.set(name, stream);
    this.record({ op: 'logStream', region, group: group.logGroupName, name, creationTime: stream.creationTime });
  }

  appendLogEvents(region: string, group: LogGroupRecord, streamName: string, events: LogEvent[]): void {
    const stream = group.streams.get(streamName);
    if (!stream) throw new Error(`appendLogEvents: no stream ${streamName}`);
    stream.events.push(...events);
    this.record({ op: 'logEvents', region, group: group.logGroupName, stream: streamName, events });
  }

  /** For changes outside the journaled records (seeding, server tags): the next commit writes a snapshot. */
  markAllChanged(): void {
    this.snapshotWanted = true;
  }

  /** Resolves once a flush that includes every change made so far is on disk. */
  commit(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // Started on a later tick, so that `flushing` is set before the loop can clear it.
    if (!this.flushing) this.flushing = Promise.resolve().then(() => this.flushLoop());
    return done;
  }

  /** Waits for pending writes and closes the journal (used on shutdown). */
  async settle(): Promise<void> {
    // Changes recorded by reads (LastAccessedDate) wait for the next commit; shutdown is one.
    if (this.pending.length > 0) await this.commit();
    while (this.flushing) await this.flushing;
    await this.journal?.close();
    this.journal = null;
  }

  private record(entry: DistributiveOmit<JournalEntry, 'n'>): void {
    this.pending.push(`${JSON.stringify({ n: ++this.seq, ...entry })}\n`);
  }

  private async flushLoop(): Promise<void> {
    while (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      try {
        const compact = this.snapshotWanted || (this.journalBytes > this.compactAfterBytes && this.journalBytes > this.snapshotBytes);
        if (compact) {
          this.snapshotWanted = false;
          this.pending = [];
          await this.writeSnapshot();
        } else if (this.pending.length > 0) {
          const text = this.pending.join('');
          this.pending = [];
          await this.appendJournal(text);
        }
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        // What failed to reach the disk is still in memory: the next commit writes all of it.
        this.snapshotWanted = true;
        for (const waiter of waiters) waiter.reject(err);
      }
    }
    this.flushing = null;
  }

  private async appendJournal(text: string): Promise<void> {
    this.journal ??= await open(this.journalFile, 'a', 0o600);
    await this.journal.write(text);
    await this.journal.datasync();
    this.journalBytes += Buffer.byteLength(text);
  }

  private async writeSnapshot(): Promise<void> {
    const text = JSON.stringify(toSnapshot(this.state, this.seq));
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
    const dir = await open(this.dataDir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.snapshotBytes = Buffer.byteLength(text);
    // Every journal line is now in the snapshot (and skipped by its sequence number if truncation is lost).
    this.journal ??= await open(this.journalFile, 'a', 0o600);
    await this.journal.truncate(0);
    await this.journal.datasync();
    this.journalBytes = 0;
  }

  /** Temp files of snapshots a crash interrupted (`state.json.<pid>.tmp`) are never the state: remove them. */
  private removeCrashLeftovers(): void {
    for (const name of readdirSync(this.dataDir)) {
      if (/^state\.json\.\d+\.tmp$/.test(name)) rmSync(path.join(this.dataDir, name), { force: true });
    }
  }

  /** Applies journal lines newer than the snapshot; a torn or unreadable tail is cut off. Returns how many applied. */
  private replayJournal(): number {
    if (!existsSync(this.journalFile)) return 0;
    const data = readFileSync(this.journalFile);
    let offset = 0;
    let applied = 0;
    while (offset < data.length) {
      const end = data.indexOf(0x0a, offset);
      if (end < 0) break;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(data.subarray(offset, end).toString('utf8')) as JournalEntry;
      } catch {
        break;
      }
      if (typeof entry?.n !== 'number') break;
      if (entry.n > this.seq) {
        this.apply(entry);
        this.seq = entry.n;
        applied++;
      }
      offset = end + 1;
    }
    if (offset < data.length) {
      truncateSync(this.journalFile, offset);
      const fd = openSync(this.journalFile, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.journalBytes = statSync(this.journalFile).size;
    return applied;
  }

  private apply(entry: JournalEntry): void {
    const region = this.region(entry.region);
    switch (entry.op) {
      case 'secret':
        if (entry.record) region.secrets.set(entry.name, entry.record);
        else region.secrets.delete(entry.name);
        break;
      case 'accessed': {
        const secret = region.secrets.get(entry.name);
        const version = secret?.versions.find((v) => v.versionId === entry.versionId);
        if (secret && version) {
          secret.lastAccessedDate = entry.day;
          version.lastAccessedDate = entry.day;
        }
        break;
      }
      case 'logGroup': {
        if (!entry.group) {
          region.logGroups.delete(entry.name);
          break;
        }
        const existing = region.logGroups.get(entry.name);
        region.logGroups.set(entry.name, { ...entry.group, streams: existing?.streams ?? new Map<string, LogStreamRecord>() });
        break;
      }
      case 'logStream':
        region.logGroups.get(entry.group)?.streams.set(entry.name, { creationTime: entry.creationTime, events: [] });
        break;
      case 'logEvents':
        region.logGroups
          .get(entry.group)
          ?.streams.get(entry.stream)
          ?.events.push(...entry.events);
        break;
    }
  }
}
