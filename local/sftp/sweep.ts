// Staged uploads left behind when the stack itself was killed mid-upload: swept in the background
// at start. Only old ones, because endpoints of other servers share the EFS folders and may be
// uploading right now (an upload in progress keeps its temporary file's mtime fresh).
import { lstat, opendir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UPLOAD_PREFIX } from './handlers';

/** Removes `UPLOAD_PREFIX` files under `root` not written for `olderThanMs`; never follows links. */
export async function sweepStaleUploads(root: string, olderThanMs: number, now = Date.now()): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let dir;
    try {
      dir = await opendir(folder);
    } catch {
      continue;
    }
    for await (const entry of dir) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) folders.push(full);
      else if (entry.isFile() && entry.name.startsWith(UPLOAD_PREFIX)) {
        const stats = await lstat(full).catch(() => null);
        if (
          stats &&
          now - stats.mtimeMs > olderThanMs &&
          (await unlink(full).then(
            () => true,
            () => false,
          ))
        )
          removed.push(full);
      }
    }
  }
  return { removed };
}
