// A route handler's form body, read as a server action reads its FormData: named inputs, repeated
// names as arrays. Only a form (urlencoded or multipart) or a JSON object of strings is accepted, and
// never more than the caller's limit: the body is counted as it streams in, not trusted by its
// Content-Length alone.
import 'server-only';
import { z } from 'zod';
import { formDataToObject, type SubmittedValues } from '../auth/authed-action';

export type BodyRefusal = { status: 400 | 413 | 415; code: 'too-large' | 'not-a-form' | 'malformed'; message: string };
export type FormBody = { ok: true; values: SubmittedValues } | { ok: false; refusal: BodyRefusal };

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);
const jsonValues = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const refuse = (status: BodyRefusal['status'], code: BodyRefusal['code'], message: string): FormBody => ({
  ok: false,
  refusal: { status, code, message },
});

/** The body's bytes, or null once it passes `maxBytes` (the rest is not read). */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return null;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

export async function readFormBody(request: Request, maxBytes: number): Promise<FormBody> {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const isJson = mediaType === 'application/json';
  if (!isJson && !FORM_TYPES.has(mediaType)) return refuse(415, 'not-a-form', 'Send the form as a form or as JSON.');
  const bytes = await readLimited(request, maxBytes);
  if (bytes === null) return refuse(413, 'too-large', `The form is larger than ${Math.round(maxBytes / 1024)} KiB.`);
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return refuse(400, 'malformed', 'The request body is not valid JSON.');
    }
    const values = jsonValues.safeParse(parsed);
    if (!values.success) return refuse(400, 'malformed', 'The request body must be a JSON object of text fields.');
    return { ok: true, values: Object.assign(Object.create(null) as SubmittedValues, values.data) };
  }
  try {
    const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
    return { ok: true, values: formDataToObject(form) };
  } catch {
    return refuse(400, 'malformed', 'The request body is not a valid form.');
  }
}
