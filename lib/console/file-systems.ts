// EFS file systems and their access points, as plain objects.
import 'server-only';
import { paginateDescribeAccessPoints, paginateDescribeFileSystems } from '@aws-sdk/client-efs';
import { aws } from '../aws/clients';

export type AccessPointSummary = { accessPointId: string; name: string | null; rootPath: string; posixUser: { uid: number; gid: number } | null };
export type FileSystemSummary = {
  fileSystemId: string;
  name: string | null;
  state: string;
  sizeBytes: number;
  availabilityZone: string | null;
  encrypted: boolean;
  throughputMode: string;
  performanceMode: string;
  accessPoints: AccessPointSummary[];
};

export async function listFileSystems(): Promise<FileSystemSummary[]> {
  const systems: FileSystemSummary[] = [];
  for await (const page of paginateDescribeFileSystems({ client: aws().efs, pageSize: 100 }, {})) {
    for (const fs of page.FileSystems ?? []) {
      systems.push({
        fileSystemId: fs.FileSystemId ?? '',
        name: fs.Name ?? null,
        state: fs.LifeCycleState ?? 'unknown',
        sizeBytes: fs.SizeInBytes?.Value ?? 0,
        availabilityZone: fs.AvailabilityZoneName ?? null,
        encrypted: fs.Encrypted ?? false,
        throughputMode: fs.ThroughputMode ?? 'bursting',
        performanceMode: fs.PerformanceMode ?? 'generalPurpose',
        accessPoints: [],
      });
    }
  }
  await Promise.all(
    systems.map(async (fs) => {
      for await (const page of paginateDescribeAccessPoints({ client: aws().efs }, { FileSystemId: fs.fileSystemId })) {
        for (const ap of page.AccessPoints ?? []) {
          fs.accessPoints.push({
            accessPointId: ap.AccessPointId ?? '',
            name: ap.Name ?? null,
            rootPath: ap.RootDirectory?.Path ?? '/',
            posixUser: ap.PosixUser ? { uid: ap.PosixUser.Uid ?? 0, gid: ap.PosixUser.Gid ?? 0 } : null,
          });
        }
      }
    }),
  );
  return systems;
}
