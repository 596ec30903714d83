import { authorizeAdmin, download } from '@/lib/console/bulk/http';
import { templateCsv } from '@/lib/console/bulk/format';

export async function GET(request: Request, { params }: { params: Promise<{ serverId: string }> }) {
  const auth = await authorizeAdmin(request, (await params).serverId);
  if (!auth.ok) return auth.response;
  return download(templateCsv(), 'transfer-desk-users-template.csv', 'text/csv; charset=utf-8');
}
