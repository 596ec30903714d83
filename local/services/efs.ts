// EFS (restJson1, signing name elasticfilesystem): DescribeFileSystems and DescribeAccessPoints.
import { AwsError } from '../errors';
import type { AccessPointRecord, FileSystemRecord, State } from '../store';

export type RestRequest = { method: string; path: string; query: URLSearchParams };
export type RestResponse = { status: number; body: unknown };

function efsError(status: number, code: string, message: string): AwsError {
  return new AwsError(code, message, status, { ErrorCode: code });
}

function fileSystemArn(state: State, id: string): string {
  return `arn:aws:elasticfilesystem:${state.region}:${state.accountId}:file-system/${id}`;
}

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

function offset(token: string | null): number {
  if (token === null) return 0;
  const start = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0) throw efsError(400, 'BadRequest', 'The marker is not valid.');
  return start;
}

const encode = (n: number) => Buffer.from(String(n)).toString('base64url');

export function handleEfs(state: State, request: RestRequest): RestResponse {
  if (request.method !== 'GET') throw efsError(405, 'BadRequest', `Method ${request.method} is not supported by the local EFS.`);
  const { query } = request;
  if (request.path === '/2015-02-01/file-systems') {
    const id = query.get('FileSystemId');
    const token = query.get('CreationToken');
    let items = state.fileSystems;
    if (id !== null) {
      items = items.filter((fs) => fs.FileSystemId === id || fileSystemArn(state, fs.FileSystemId) === id);
      if (items.length === 0) throw efsError(404, 'FileSystemNotFound', `File system '${id}' does not exist.`);
    }
    if (token !== null) items = items.filter((fs) => `transfer-desk-${fs.FileSystemId}` === token);
    const marker = query.get('Marker');
    const start = offset(marker);
    const size = pageSize(query.get('MaxItems'), 100);
    const slice = items.slice(start, start + size);
    return {
      status: 200,
      body: {
        ...(marker !== null ? { Marker: marker } : {}),
        FileSystems: slice.map((fs) => fileSystem(state, fs)),
        ...(start + size < items.length ? { NextMarker: encode(start + size) } : {}),
      },
    };
  }
  if (request.path === '/2015-02-01/access-points') {
    const fsId = query.get('FileSystemId');
    const apId = query.get('AccessPointId');
    if (fsId !== null && apId !== null) throw efsError(400, 'BadRequest', 'Specify either FileSystemId or AccessPointId, not both.');
    let items = state.accessPoints;
    if (fsId !== null) {
      if (!state.fileSystems.some((fs) => fs.FileSystemId === fsId)) throw efsError(404, 'FileSystemNotFound', `File system '${fsId}' does not exist.`);
      items = items.filter((ap) => ap.FileSystemId === fsId);
    }
    if (apId !== null) {
      items = items.filter((ap) => ap.AccessPointId === apId);
      if (items.length === 0) throw efsError(404, 'AccessPointNotFound', `Access point '${apId}' does not exist.`);
    }
    const start = offset(query.get('NextToken'));
    const size = pageSize(query.get('MaxResults'), 100);
    return {
      status: 200,
      body: {
        AccessPoints: items.slice(start, start + size).map((ap) => accessPoint(state, ap)),
        ...(start + size < items.length ? { NextToken: encode(start + size) } : {}),
      },
    };
  }
  throw efsError(404, 'BadRequest', `The local EFS does not serve ${request.path}.`);
}
