/** Why a request body was not read. */
export type BodyProblem = { readonly problem: 'too_large' } | { readonly problem: 'unreadable' };

/**
 * Reads a request body as text, refusing anything over `limit` bytes: first by the declared
 * `Content-Length`, then while streaming (a chunked body has none), so an oversized body is never buffered.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<{ text: string } | BodyProblem> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return { problem: 'too_large' };
  if (request.body === null) return { text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > limit) {
        await reader.cancel();
        return { problem: 'too_large' };
      }
      chunks.push(value);
    }
  } catch {
    return { problem: 'unreadable' };
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes) };
}
