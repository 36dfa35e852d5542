/**
 * Base64url helpers for hand-crafting JWS compact segments.
 *
 * jose refuses to produce malformed or unsigned tokens, so forgeries that need a
 * specific byte layout (`alg: none`, stripped or transplanted signatures, HMAC over
 * an arbitrary secret) assemble their segments here.
 *
 * @module
 */

/**
 * Encodes bytes or a UTF-8 string as unpadded base64url.
 *
 * @example
 * ```ts
 * base64urlEncode('{"alg":"none"}'); // 'eyJhbGciOiJub25lIn0'
 * ```
 */
export function base64urlEncode(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  return bytes.toString('base64url');
}

/**
 * Serialises a JSON value and encodes it as one base64url JWS segment.
 *
 * @example
 * ```ts
 * const header = encodeJsonSegment({ alg: 'none', typ: 'at+jwt' });
 * ```
 */
export function encodeJsonSegment(value: unknown): string {
  return base64urlEncode(JSON.stringify(value));
}

/** The three segments of a JWS in compact serialisation. */
export interface CompactSegments {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

/**
 * Splits a compact JWS into its three segments.
 *
 * @throws {Error} when the token does not have exactly three dot-separated segments.
 * @example
 * ```ts
 * const { header, payload } = splitCompact(token);
 * const unsigned = `${header}.${payload}.`;
 * ```
 */
export function splitCompact(token: string): CompactSegments {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    throw new Error(`Expected a compact JWS with 3 segments, got ${parts.length}.`);
  }
  return { header, payload, signature };
}
