import { exportUsers } from '@/lib/console/bulk/export';
import { authorizeAdmin, download } from '@/lib/console/bulk/http';
import { errorName, userMessage } from '@/lib/console/errors';

export async function GET(request: Request, { params }: { params: Promise<{ serverId: string }> }) {
  const auth = await authorizeAdmin(request, (await params).serverId);
  if (!auth.ok) return auth.response;
  const format = new URL(request.url).searchParams.get('format') === 'json' ? 'json' : 'csv';
  try {
    const exported = await exportUsers(auth.serverId, format);
    const response = download(exported.body, exported.fileName, exported.contentType);
    response.headers.set('X-Users-Exported', String(exported.exported));
    response.headers.set('X-Users-Not-Exported', String(exported.skipped.length));
    return response;
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'export-failed', error: errorName(err) }));
    return new Response(`${userMessage(err, 'read')}\n`, { status: 502, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}
