// EFS (restJson1, signing name elasticfilesystem): DescribeFileSystems and DescribeAccessPoints.
import { AwsError } from '../errors';
import type { AccessPointRecord, FileSystemRecord, State, Store } from '../store';
import { pageOf } from './paging';

export type RestRequest = { method: string; path: string; query: URLSearchParams };
export type RestResponse = { status: number; body: unknown };

function efsError(status: number, code: string, message: string): AwsError {
  return new AwsError(code, message, status, { ErrorCode: code });
}

function fileSystemArn(state: State, id: string): string {
  return `arn:aws:elasticfilesystem:${state.region}:${state.accountId}:file-system/${id}`;
}

const invalidToken = () => efsError(400, 'BadRequest', 'The pagination token is not valid.');

function fileSystem(state: State, fs: FileSystemRecord) {
  return {
    OwnerId: state.accountId,
    CreationToken: `transfer-desk-${fs.FileSystemId}`,
    FileSystemId: fs.FileSystemId,
    FileSystemArn: fileSystemArn(state, fs.FileSystemId),
    CreationTime: fs.CreationTime,
    LifeCycleState: fs.LifeCycleState,
    Name: fs.Name,
    NumberOfMountTargets: fs.NumberOfMountTargets,
    SizeInBytes: { Value: fs.SizeInBytes, ValueInStandard: fs.SizeInBytes, ValueInIA: 0, ValueInArchive: 0 },
    PerformanceMode: fs.PerformanceMode,
    Encrypted: fs.Encrypted,
    ...(fs.KmsKeyId ? { KmsKeyId: fs.KmsKeyId } : {}),
    ThroughputMode: fs.ThroughputMode,
    ...(fs.AvailabilityZoneName ? { AvailabilityZoneName: fs.AvailabilityZoneName, AvailabilityZoneId: fs.AvailabilityZoneId } : {}),
    Tags: fs.Tags,
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  };
}

function accessPoint(state: State, ap: AccessPointRecord) {
  return {
    ClientToken: `transfer-desk-${ap.AccessPointId}`,
    Name: ap.Name,
    Tags: ap.Tags,
    AccessPointId: ap.AccessPointId,
    AccessPointArn: `arn:aws:elasticfilesystem:${state.region}:${state.accountId}:access-point/${ap.AccessPointId}`,
    FileSystemId: ap.FileSystemId,
    ...(ap.PosixUser ? { PosixUser: ap.PosixUser } : {}),
    RootDirectory: ap.RootDirectory,
    OwnerId: state.accountId,
    LifeCycleState: ap.LifeCycleState,
  };
}

function pageSize(value: string | null, max: number): number {
  if (value === null) return max;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw efsError(400, 'BadRequest', 'MaxItems must be a positive integer.');
  return Math.min(size, max);
}

/** EFS is regional: the demo's file systems live in the stack's home region, other regions have none. */
export function handleEfs(store: Store, region: string, request: RestRequest): RestResponse {
  if (request.method !== 'GET') throw efsError(405, 'BadRequest', `Method ${request.method} is not supported by the local EFS.`);
  const state = store.state;
  const home = region === store.homeRegion;
  const { query } = request;
  if (request.path === '/2015-02-01/file-systems') {
    const id = query.get('FileSystemId');
    const token = query.get('CreationToken');
    let items = home ? state.fileSystems : [];
    if (id !== null) {
      items = items.filter((fs) => fs.FileSystemId === id || fileSystemArn(state, fs.FileSystemId) === id);
      if (items.length === 0) throw efsError(404, 'FileSystemNotFound', `File system '${id}' does not exist.`);
    }
    if (token !== null) items = items.filter((fs) => `transfer-desk-${fs.FileSystemId}` === token);
    const marker = query.get('Marker');
    const { items: slice, nextToken } = pageOf(items, marker, pageSize(query.get('MaxItems'), 100), invalidToken);
    return {
      status: 200,
      body: {
        ...(marker !== null ? { Marker: marker } : {}),
        FileSystems: slice.map((fs) => fileSystem(state, fs)),
        ...(nextToken ? { NextMarker: nextToken } : {}),
      },
    };
  }
  if (request.path === '/2015-02-01/access-points') {
    const fsId = query.get('FileSystemId');
    const apId = query.get('AccessPointId');
    if (fsId !== null && apId !== null) throw efsError(400, 'BadRequest', 'Specify either FileSystemId or AccessPointId, not both.');
    let items = home ? state.accessPoints : [];
    if (fsId !== null) {
      if (!home || !state.fileSystems.some((fs) => fs.FileSystemId === fsId))
        throw efsError(404, 'FileSystemNotFound', `File system '${fsId}' does not exist.`);
      items = items.filter((ap) => ap.FileSystemId === fsId);
    }
    if (apId !== null) {
      items = items.filter((ap) => ap.AccessPointId === apId);
      if (items.length === 0) throw efsError(404, 'AccessPointNotFound', `Access point '${apId}' does not exist.`);
    }
    const { items: slice, nextToken } = pageOf(items, query.get('NextToken'), pageSize(query.get('MaxResults'), 100), invalidToken);
    return {
      status: 200,
      body: {
        AccessPoints: slice.map((ap) => accessPoint(state, ap)),
        ...(nextToken ? { NextToken: nextToken } : {}),
      },
    };
  }
  throw efsError(404, 'BadRequest', `The local EFS does not serve ${request.path}.`);
}
