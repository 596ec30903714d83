// The file namespace a Transfer user sees on EFS, mapped onto `<efsRoot>/<fs-id>/…` on this disk.
// LOGICAL homes are a virtual tree made of the mappings and nothing else; PATH homes see the EFS
// namespace (`/fs-id/…`) and start in their home directory, as Transfer does.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export type Mapping = { entry: string; target: string };

export type Resolved =
  | { kind: 'real'; virtual: string; real: string; root: string }
  | { kind: 'virtual-dir'; virtual: string; children: string[] }
  | { kind: 'none'; virtual: string };

function within(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : `${parent}${path.sep}`);
}

export class VirtualFs {
  readonly home: string;
  private readonly mappings: Mapping[];

  constructor(
    private readonly efsRoot: string,
    home: { type: 'LOGICAL'; mappings: Mapping[] } | { type: 'PATH'; directory: string },
  ) {
    if (home.type === 'LOGICAL') {
      // A mapping whose target, once normalised, is not inside one file system is no mapping at all.
      this.mappings = home.mappings
        .map((m) => ({ entry: path.posix.normalize(m.entry), target: path.posix.normalize(m.target) }))
        .filter((m) => /^\/fs-[0-9a-f]{8,40}(\/|$)/.test(m.target));
      this.home = '/';
    } else {
      this.mappings = [{ entry: '/', target: '/' }];
      this.home = path.posix.normalize(home.directory || '/');
    }
  }

  /** The real folders a login lands in: every mapping's target, or the PATH home. */
  homeFolders(): string[] {
    if (this.mappings.length === 1 && this.mappings[0]!.target === '/' && this.mappings[0]!.entry === '/')
      return [path.join(this.efsRoot, this.home)];
    return this.mappings.map((m) => path.join(this.efsRoot, m.target));
  }

  /** A client path made absolute against the home directory, with `.` and `..` folded (never above `/`). */
  normalize(clientPath: string): string {
    const absolute = clientPath.startsWith('/') ? clientPath : path.posix.join(this.home, clientPath);
    const normalized = path.posix.normalize(absolute);
    return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
  }

  resolve(clientPath: string): Resolved {
    const virtual = this.normalize(clientPath);
    let best: Mapping | null = null;
    for (const mapping of this.mappings) {
      const matches = mapping.entry === '/' || virtual === mapping.entry || virtual.startsWith(`${mapping.entry}/`);
      if (matches && (!best || mapping.entry.length > best.entry.length)) best = mapping;
    }
    if (best) {
      const rest = best.entry === '/' ? virtual : virtual.slice(best.entry.length);
      const root = path.join(this.efsRoot, best.target);
      const real = path.join(root, rest);
      // Never above the mapping's target, nor the target above the EFS root, whatever the mappings say.
      if (!within(this.efsRoot, root) || !within(root, real)) return { kind: 'none', virtual };
      return { kind: 'real', virtual, real, root };
    }
    const prefix = virtual === '/' ? '/' : `${virtual}/`;
    const children = new Set<string>();
    for (const mapping of this.mappings) {
      if (mapping.entry.startsWith(prefix)) children.add(mapping.entry.slice(prefix.length).split('/')[0]!);
    }
    return children.size > 0 ? { kind: 'virtual-dir', virtual, children: [...children].sort() } : { kind: 'none', virtual };
  }

  /**
   * Whether the real path stays inside its mapping once symbolic links are followed: the deepest part
   * of it that exists must resolve under the mapping's root.
   */
  async contained(resolved: Extract<Resolved, { kind: 'real' }>): Promise<boolean> {
    let rootReal: string;
    try {
      rootReal = await realpath(resolved.root);
    } catch {
      return false;
    }
    let candidate = resolved.real;
    for (;;) {
      try {
        const real = await realpath(candidate);
        return real === rootReal || real.startsWith(`${rootReal}${path.sep}`);
      } catch {
        const parent = path.dirname(candidate);
        if (parent === candidate) return false;
        candidate = parent;
      }
    }
  }
}
