// The user form's live preview: what saving would store and what the Lambda would answer. A route
// handler, not a server action, so that the browser can abort a preview it no longer wants and a
// Save or Create never queues behind one (Next runs a page's server actions one at a time).
import { z } from 'zod';
import { fieldErrorsFrom, type ActionState } from '@/lib/auth/authed-action';
import { authorizeRequest } from '@/lib/auth/request-auth';
import { ConsoleError, errorCode, errorName, NotFoundError, userMessage } from '@/lib/console/errors';
import { readFormBody } from '@/lib/console/request-body';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { userFormFieldsSchema } from '@/lib/console/user-form';
import { fieldNameForFormPath } from '@/lib/console/user-form-fields';
import { previewUser, type UserPreview } from '@/lib/console/users';
import { USERNAME_PATTERN } from '@/lib/secret/contract';

// The form's largest fields are 20,000 characters of keys, a 2,048-character policy and 50 mapping
// rows; 64 KiB holds all of them with room to spare.
const MAX_BODY_BYTES = 64 * 1024;

const editingSchema = z
  .string()
  .optional()
  .refine((name) => name === undefined || name === '' || (USERNAME_PATTERN.test(name) && !name.includes('..')), 'Unknown user')
  .transform((name) => name || undefined);

type PreviewAnswer = ActionState<UserPreview> | { status: 'error'; code: string; message: string; fieldErrors?: Record<string, string[]> };

function answer(status: number, body: PreviewAnswer): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}

// 499 (as nginx calls a request the client closed): the answer to a preview the browser gave up on.
const cancelled = () => answer(499, { status: 'error', code: 'aborted', message: 'The preview was cancelled.' });

export async function POST(request: Request, { params }: { params: Promise<{ serverId: string }> }) {
  const auth = await authorizeRequest(request, 'admin', { sameOriginOnly: true });
  if (!auth.ok) return answer(auth.refusal.status, { status: 'error', code: auth.refusal.code, message: auth.refusal.message });
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) return answer(404, { status: 'error', code: 'not-found', message: 'Unknown server.' });
  const body = await readFormBody(request, MAX_BODY_BYTES).catch((err: unknown) => {
    // The browser cancelled while the body was still arriving: there is nobody to answer.
    if (request.signal.aborted) return null;
    throw err;
  });
  if (body === null) return cancelled();
  if (!body.ok) return answer(body.refusal.status, { status: 'error', code: body.refusal.code, message: body.refusal.message });
  const editing = editingSchema.safeParse(body.values.editing);
  const form = userFormFieldsSchema.safeParse(body.values);
  if (!editing.success || !form.success) {
    return answer(400, {
      status: 'error',
      code: 'invalid-input',
      message: 'Some fields need attention.',
      fieldErrors: {
        ...(form.success ? {} : fieldErrorsFrom(form.error.issues, fieldNameForFormPath)),
        ...(editing.success ? {} : { editing: editing.error.issues.map((i) => i.message) }),
      },
    });
  }
  try {
    const preview = await previewUser(serverId, form.data, { editing: editing.data, signal: request.signal });
    return answer(200, { status: 'success', data: preview });
  } catch (err) {
    // The browser gave up on this preview (a newer one replaced it): nobody reads the answer.
    if (request.signal.aborted) return cancelled();
    if (err instanceof NotFoundError) return answer(404, { status: 'error', code: 'not-found', message: err.message });
    if (err instanceof ConsoleError) return answer(409, { status: 'error', code: 'failed', message: err.message });
    // The error's name only: AWS messages can echo input.
    console.error(JSON.stringify({ level: 'error', event: 'preview-failed', actor: auth.actor.username, error: errorName(err) }));
    // AWS failing is a bad gateway; anything else is the console's own failure.
    return answer(errorCode(err) === 'unexpected' ? 500 : 502, { status: 'error', code: 'failed', message: userMessage(err, 'read') });
  }
}
