// One sentence per login record, with its parameters (source IP, allow-list, who disabled the user
// and when, the expiry): the same words in the history, the test login and the docs. Never a
// password or hash: the inputs hold none.
import { REASON_DESCRIPTIONS } from '../idp/decide-login';

/** The parts of a login record a sentence reads. */
export type ExplainedLogin = {
  decision: 'allow' | 'deny';
  reason: string;
  protocol: string | null;
  method: 'password' | 'publickey' | null;
  sourceIp: string | null;
  errorName?: string | null;
};

/** What the console knows about the user now (from the secret's summary and the audit trail). */
export type LoginContext = {
  acceptedIpNetworks?: readonly string[];
  expiresAt?: string | null;
  disabledBy?: { actor: string; time: string } | null;
};

/** `2026-01-02 14:03 UTC`: one way to write a moment in every sentence. */
export function formatMoment(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const listOf = (networks: readonly string[] | undefined) => (networks && networks.length ? networks.join(', ') : null);

/** The sentence for one login record. */
export function explainLogin(record: ExplainedLogin, context: LoginContext = {}): string {
  const protocol = record.protocol ?? 'This protocol';
  switch (record.reason) {
    case 'PASSWORD_OK':
      return 'Password accepted';
    case 'PUBLIC_KEYS_RETURNED':
      return 'Key login: the keys on file were handed to the server, which accepts a key among them';
    case 'WRONG_PASSWORD':
      return 'Wrong password';
    case 'SOURCE_IP_REFUSED': {
      const list = listOf(context.acceptedIpNetworks);
      const source = record.sourceIp ? `Source ${record.sourceIp}` : 'A login without a source address';
      return list ? `${source} is outside the allow-list ${list}` : `${source} was outside the allow-list at the time`;
    }
    case 'USER_DISABLED':
      return context.disabledBy ? `Disabled by ${context.disabledBy.actor} on ${formatMoment(context.disabledBy.time)}` : 'Disabled';
    case 'USER_EXPIRED':
      return context.expiresAt ? `Expired on ${formatMoment(context.expiresAt)}` : 'Expired';
    case 'PUBLIC_KEY_NOT_ON_FILE':
      return 'Key login offered a key that is not on file';
    case 'EMPTY_PASSWORD_NOT_SFTP':
      return `${record.protocol ?? 'FTP'} logins need a password`;
    case 'USER_NOT_FOUND':
      return 'No such user on this server';
    case 'SECRET_UNREADABLE':
    case 'SECRETS_MANAGER_ERROR':
      return record.errorName ? `Secrets Manager could not be read (${record.errorName})` : 'Secrets Manager could not be read';
    case 'NO_PASSWORD_STORED':
      return `No password on file for ${protocol === 'This protocol' ? 'this protocol' : protocol}`;
    case 'NO_PUBLIC_KEY_STORED':
      return 'Key login, but no key is on file';
    case 'PASSWORD_HASH_TOO_COSTLY':
      return 'The stored password hash costs more than the Lambda allows; reset the password';
    case 'NO_ROLE':
      return 'No valid IAM role on file';
    case 'UNSAFE_HOME_DIRECTORY':
      return 'The home folder or its mappings hold an unsafe path (such as ..)';
    case 'SECRET_INVALID':
      return 'The user’s secret holds a value the login cannot read; fix it in the console';
    case 'INVALID_EVENT':
      return 'Malformed login request (for example a user name Transfer does not allow)';
    case 'USER_PENDING_DELETION':
      return 'The user is deleted (pending deletion; an admin can restore it)';
    case 'INTERNAL_ERROR':
      return record.errorName ? `The identity provider failed (${record.errorName})` : 'The identity provider failed';
    default:
      return record.reason in REASON_DESCRIPTIONS
        ? REASON_DESCRIPTIONS[record.reason as keyof typeof REASON_DESCRIPTIONS]
        : `Unrecognised reason (${record.decision})`;
  }
}
