import { takeImportPasswords } from '@/lib/console/bulk/apply';
import { authorizeAdmin, download } from '@/lib/console/bulk/http';

// POST, not GET: handing the file out also deletes it from the server.
export async function POST(request: Request, { params }: { params: Promise<{ serverId: string }> }) {
  const auth = await authorizeAdmin(request, (await params).serverId, { changesState: true });
  if (!auth.ok) return auth.response;
  const form = await request.formData().catch(() => null);
  const importId = form?.get('importId');
  if (typeof importId !== 'string' || !/^[0-9a-f-]{36}$/.test(importId)) return new Response('Say which import.\n', { status: 400 });
  const csv = await takeImportPasswords(auth.serverId, importId);
  if (csv === null)
    return new Response(
      'The passwords of this import were already downloaded, or it generated none. Reset a user’s password to give it a new one.\n',
      { status: 410, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    );
  return download(csv, `passwords-${importId}.csv`, 'text/csv; charset=utf-8');
}
