// IAM roles a Transfer user can be given: those whose trust policy names transfer.amazonaws.com.
import 'server-only';
import { paginateListRoles } from '@aws-sdk/client-iam';
import { aws } from '../aws/clients';

export type TransferRole = { roleName: string; arn: string; description: string | null };

export function trustsTransfer(policyDocument: string | undefined): boolean {
  if (!policyDocument) return false;
  try {
    const policy = JSON.parse(decodeURIComponent(policyDocument)) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    return statements.some((statement) => {
      const s = statement as { Effect?: string; Principal?: { Service?: string | string[] } };
      const services = s?.Principal?.Service;
      return s?.Effect === 'Allow' && (Array.isArray(services) ? services : [services]).includes('transfer.amazonaws.com');
    });
  } catch {
    return false;
  }
}

export async function listTransferRoles(): Promise<TransferRole[]> {
  const roles: TransferRole[] = [];
  for await (const page of paginateListRoles({ client: aws().iam, pageSize: 1000 }, {})) {
    for (const role of page.Roles ?? []) {
      if (trustsTransfer(role.AssumeRolePolicyDocument))
        roles.push({ roleName: role.RoleName ?? '', arn: role.Arn ?? '', description: role.Description ?? null });
    }
  }
  return roles;
}
