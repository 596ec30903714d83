import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { listFileSystems } from '@/lib/console/file-systems';
import { load } from '@/lib/console/load';

export const metadata = { title: 'File systems' };

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export default async function FileSystemsPage() {
  await requirePageRole('helpdesk');
  const result = await load('the EFS file systems', listFileSystems);
  return (
    <>
      <h1>File systems</h1>
      {!result.ok ? (
        <LoadError message={result.message} />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">File system</th>
              <th scope="col">State</th>
              <th scope="col">Size</th>
              <th scope="col">Availability</th>
              <th scope="col">Encryption</th>
              <th scope="col">Throughput</th>
              <th scope="col">Access points</th>
            </tr>
          </thead>
          <tbody>
            {result.data.map((fs) => (
              <tr key={fs.fileSystemId}>
                <td>
                  {fs.name ?? '—'}
                  <div className="muted">
                    <code>{fs.fileSystemId}</code>
                  </div>
                </td>
                <td>{fs.state}</td>
                <td>{size(fs.sizeBytes)}</td>
                <td>{fs.availabilityZone ? `One Zone (${fs.availabilityZone})` : 'Regional'}</td>
                <td>{fs.encrypted ? <span className="badge ok">Encrypted</span> : <span className="badge warn">Not encrypted</span>}</td>
                <td>{fs.throughputMode}</td>
                <td>
                  {fs.accessPoints.length === 0
                    ? '—'
                    : fs.accessPoints.map((ap) => (
                        <div key={ap.accessPointId}>
                          {ap.name ?? ap.accessPointId} <code>{ap.rootPath}</code>
                          {ap.posixUser ? (
                            <span className="muted">
                              {' '}
                              (UID {ap.posixUser.uid}, GID {ap.posixUser.gid})
                            </span>
                          ) : null}
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
