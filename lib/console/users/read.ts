// A user as the edit form opens it: never a password or hash, only whether one exists.
import 'server-only';
import { storedSecretToInput, summarizeStoredSecret, type UserSecretSummary } from '../../secret/contract';
import type { UserFormInput } from '../user-form';
import { keyViews, readCurrent, type PublicKeyView } from './shared';

export type UserDetail = {
  username: string;
  versionId: string;
  lastChangedAt: string | null;
  summary: UserSecretSummary;
  form: UserFormInput;
  publicKeys: PublicKeyView[];
};

export function inputToForm(username: string, input: ReturnType<typeof storedSecretToInput>, summary: UserSecretSummary): UserFormInput {
  const mappings = input.HomeDirectoryDetails ?? (input.HomeDirectory ? [{ Entry: '/', Target: input.HomeDirectory }] : []);
  const split = (target: string) => {
    const [, location = '', ...rest] = target.split('/');
    return { location, path: rest.length ? `/${rest.join('/')}` : '' };
  };
  const root = mappings.length === 1 && mappings[0]!.Entry === '/';
  return {
    username,
    password: { mode: summary.passwordMode === 'none' ? 'none' : 'keep', storage: summary.passwordMode === 'plaintext' ? 'plaintext' : 'hash' },
    protocolPasswords: {},
    publicKeys: (input.PublicKey ?? []).join('\n'),
    role: input.Role,
    uid: input.PosixProfile ? String(input.PosixProfile.Uid) : '',
    gid: input.PosixProfile ? String(input.PosixProfile.Gid) : '',
    secondaryGids: (input.PosixProfile?.SecondaryGids ?? []).join(', '),
    homeMode: root || mappings.length === 0 ? 'root' : 'mappings',
    rootLocation: root ? split(mappings[0]!.Target).location : '',
    rootPath: root ? split(mappings[0]!.Target).path : '',
    mappings: root ? [] : mappings.map((m) => ({ entry: m.Entry, ...split(m.Target) })),
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
  };
}
