// The safety rules of every path a secret holds (mapping Entry and Target, HomeDirectory). Shared
// by the strict write schema, the lenient readers and so by the login decision: a path that could
// climb out of its folder, or smuggle a line break or a quote into a log or a shell, is never used.
// Browser-safe: no node: imports.

export const EFS_ID_PATTERN = /^fs-[0-9a-f]{8,40}$/;
export const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Which path of a secret a message is about, named as the console's form names it. */
export type PathRole = 'entry' | 'target' | 'home';

/** A machine-readable name for each path rule (zod issue `params.rule`), so a form can place it. */
export type PathRule =
  | 'control-character'
  | 'quote'
  | 'angle-bracket'
  | 'backslash'
  | 'empty-folder-name'
  | 'dot-folder'
  | 'dot-dot-folder'
  | 'no-storage-root'
  | 'file-system'
  | 'bucket';

export type PathProblem = { rule: PathRule; message: string };

const SUBJECT: Record<PathRole, string> = {
  entry: 'The visible path',
  target: 'The folder',
  home: 'The home folder',
};

// C0 and C1 controls (newline, tab, DEL…) and the Unicode line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Every unsafe trait of `path`, one problem per rule (empty when the path is safe). `..`, `.` and
 * empty folder names are refused outright, so no path can name anything above where it starts.
 */
export function unsafePathProblems(path: string, role: PathRole): PathProblem[] {
  const subject = SUBJECT[role];
  const problems: PathProblem[] = [];
  if (CONTROL.test(path)) {
    problems.push({ rule: 'control-character', message: `${subject} must not contain control characters such as a line break or a tab.` });
  }
  if (/["'`]/.test(path)) problems.push({ rule: 'quote', message: `${subject} must not contain quotes (", ' or \`).` });
  if (/[<>]/.test(path)) problems.push({ rule: 'angle-bracket', message: `${subject} must not contain < or >.` });
  if (path.includes('\\')) problems.push({ rule: 'backslash', message: `${subject} must not contain a backslash (\\).` });
  const names = path.split('/');
  // The first name is what comes before the leading slash, and a trailing slash is not a folder.
  const inner = names.slice(1, path.endsWith('/') ? -1 : undefined);
  if (path.includes('//')) problems.push({ rule: 'empty-folder-name', message: `${subject} must not contain // (a folder with no name).` });
  if (inner.includes('..') || names[0] === '..')
    problems.push({ rule: 'dot-dot-folder', message: `${subject} must not contain .. (the folder above).` });
  if (inner.includes('.') || names[0] === '.') problems.push({ rule: 'dot-folder', message: `${subject} must not contain . as a folder name.` });
  return problems;
}

/**
 * What the lenient readers refuse: every unsafe trait, and a Target or HomeDirectory that names no
 * file system or bucket at all (`/` would show the user every file system of the server).
 */
export function pathSafetyProblems(path: string, role: PathRole): PathProblem[] {
  const problems = unsafePathProblems(path, role);
  if (role !== 'entry' && storageRoot(path) === '') {
    problems.push({ rule: 'no-storage-root', message: `${SUBJECT[role]} must begin with a file system id or bucket name.` });
  }
  return problems;
}

export function isSafePath(path: string, role: PathRole = 'target'): boolean {
  return pathSafetyProblems(path, role).length === 0;
}

/** The file system id (EFS) or bucket (S3) a Target or HomeDirectory begins with. */
export function storageRoot(path: string): string {
  return path.split('/')[1] ?? '';
}

/** The problem when `path` does not begin with a file system id (EFS) or bucket (S3), else null. */
export function storageRootProblem(path: string, domain: 'EFS' | 'S3', role: Exclude<PathRole, 'entry'>): PathProblem | null {
  const root = storageRoot(path);
  const example = role === 'home' ? 'home/alice' : 'home';
  if (domain === 'EFS') {
    if (root === '') return { rule: 'file-system', message: 'Choose a file system.' };
    if (!EFS_ID_PATTERN.test(root)) {
      return { rule: 'file-system', message: `${SUBJECT[role]} must begin with the file system id, like /fs-0123456789abcdef0/${example}.` };
    }
    return null;
  }
  if (root === '') return { rule: 'bucket', message: 'Choose a bucket.' };
  if (!S3_BUCKET_PATTERN.test(root))
    return { rule: 'bucket', message: `${SUBJECT[role]} must begin with the bucket name, like /my-bucket/${example}.` };
  return null;
}
