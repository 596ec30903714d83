// IAM (awsQuery, XML): ListRoles, enough for the console's role picker.
import { AwsError } from '../errors';
import type { Store } from '../store';
import { pageOf } from './paging';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** IAM is global: the same roles whatever region the request was signed for. */
export function handleIam(store: Store, params: URLSearchParams, requestId: string): string {
  const state = store.state;
  const action = params.get('Action');
  if (action !== 'ListRoles') throw new AwsError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`);
  const prefix = params.get('PathPrefix') ?? '/';
  const maxItems = params.has('MaxItems') ? Number(params.get('MaxItems')) : 100;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000",
    );
  }
  const roles = state.roles.filter((role) => role.Path.startsWith(prefix));
  const { items: page, nextToken } = pageOf(roles, params.get('Marker') || null, maxItems, () => new AwsError('ValidationError', 'Invalid Marker.'));
  const truncated = nextToken !== undefined;
  const members = page
    .map(
      (role) =>
        `<member><Path>${xmlEscape(role.Path)}</Path><RoleName>${xmlEscape(role.RoleName)}</RoleName><RoleId>${xmlEscape(role.RoleId)}</RoleId>` +
        `<Arn>arn:aws:iam::${state.accountId}:role${xmlEscape(role.Path)}${xmlEscape(role.RoleName)}</Arn><CreateDate>${role.CreateDate}</CreateDate>` +
        `<AssumeRolePolicyDocument>${encodeURIComponent(role.AssumeRolePolicyDocument)}</AssumeRolePolicyDocument>` +
        (role.Description ? `<Description>${xmlEscape(role.Description)}</Description>` : '') +
        `<MaxSessionDuration>${role.MaxSessionDuration}</MaxSessionDuration></member>`,
    )
    .join('');
  return (
    `<ListRolesResponse xmlns="${IAM_NAMESPACE}"><ListRolesResult><IsTruncated>${truncated}</IsTruncated>` +
    (nextToken ? `<Marker>${nextToken}</Marker>` : '') +
    `<Roles>${members}</Roles></ListRolesResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ListRolesResponse>`
  );
}

export function iamErrorXml(err: AwsError, requestId: string): string {
  return `<ErrorResponse xmlns="${IAM_NAMESPACE}"><Error><Type>Sender</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
