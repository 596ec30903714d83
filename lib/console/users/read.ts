// A user as the edit form opens it: never a password or hash, only whether one exists.
import 'server-only';
import { storedSecretToInput, summarizeStoredSecret, type UserSecretSummary } from '../../secret/contract';
import type { UserFormInput } from '../user-form';
import { existingPasswords, type ExistingPassword } from './passwords';
import { keyViews, readCurrent, type PublicKeyView } from './shared';

export type UserDetail = {
  username: string;
  versionId: string;
  lastChangedAt: string | null;
  summary: UserSecretSummary;
  form: UserFormInput;
  publicKeys: PublicKeyView[];
  /** Which passwords exist and how each is stored; never their values. */
  passwords: ExistingPassword[];
};

/** The form fields for a stored user. Saving them back unchanged writes nothing (see edit.ts). */
export function inputToForm(username: string, input: ReturnType<typeof storedSecretToInput>, summary: UserSecretSummary): UserFormInput {
  const split = (target: string) => {
    const [, location = '', ...rest] = target.split('/');
    return { location, path: rest.length ? `/${rest.join('/')}` : '' };
  };
  const mappings = input.HomeDirectoryDetails ?? [];
  const pathHome = mappings.length === 0 && input.HomeDirectory !== undefined ? split(input.HomeDirectory) : null;
  const root = mappings.length === 1 && mappings[0]!.Entry === '/';
  const single = pathHome ?? (root ? split(mappings[0]!.Target) : null);
  return {
    username,
    password: { mode: summary.passwordMode === 'none' ? 'none' : 'keep', storage: summary.passwordMode === 'plaintext' ? 'plaintext' : 'hash' },
    protocolPasswords: {},
    publicKeys: (input.PublicKey ?? []).join('\n'),
    role: input.Role,
    uid: input.PosixProfile ? String(input.PosixProfile.Uid) : '',
    gid: input.PosixProfile ? String(input.PosixProfile.Gid) : '',
    secondaryGids: (input.PosixProfile?.SecondaryGids ?? []).join(', '),
    homeMode: pathHome ? 'path' : root || mappings.length === 0 ? 'root' : 'mappings',
    rootLocation: single?.location ?? '',
    rootPath: single?.path ?? '',
    mappings: pathHome || root ? [] : mappings.map((m) => ({ entry: m.Entry, ...split(m.Target) })),
    acceptedIpNetwork: (input.AcceptedIpNetwork ?? []).join(', '),
    expiresAt: input.ExpiresAt ?? '',
    policy: input.Policy ?? '',
    disabled: input.Disabled ?? false,
  };
}

export async function getUserForEdit(serverId: string, username: string): Promise<UserDetail> {
  const current = await readCurrent(serverId, username);
  const summary = summarizeStoredSecret(current.secret);
  const input = storedSecretToInput(current.secret);
  return {
    username,
    versionId: current.versionId,
    lastChangedAt: current.lastChangedAt,
    summary,
    form: inputToForm(username, input, summary),
    publicKeys: keyViews(input.PublicKey ?? []),
    passwords: existingPasswords(current.secret),
  };
}
