/**
 * Low-level JWS signing over arbitrary headers and payloads.
 *
 * Unlike `SignJWT`, these helpers validate nothing about the claims: forgeries need
 * to sign claims sets that a verifier must reject.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { CompactSign } from 'jose';
import type { CryptoKey } from 'jose';
import { base64urlEncode, encodeJsonSegment } from './base64url.js';
import type { Claims, JwsHeader } from './claims.js';

/**
 * Signs `payload` (serialised as JSON) with an asymmetric private key.
 *
 * @example
 * ```ts
 * const token = await signCompact({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }, { sub: 'a' }, key.privateKey);
 * ```
 */
export async function signCompact(header: JwsHeader, payload: Claims, privateKey: CryptoKey): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader({ ...header }).sign(privateKey);
}

/**
 * Produces an HS256 token with a hand-computed HMAC-SHA256, so any secret works,
 * including an empty one or the bytes of a PEM public key. The header's `alg` is
 * forced to `HS256`.
 *
 * @example
 * ```ts
 * const token = signHs256({ typ: 'at+jwt' }, { sub: 'a' }, 'secret');
 * ```
 */
export function signHs256(
  header: Readonly<Record<string, unknown>>,
  payload: Claims,
  secret: string | Uint8Array,
): string {
  const fullHeader: JwsHeader = Object.assign({ alg: 'HS256' }, header, { alg: 'HS256' });
  const signingInput = `${encodeJsonSegment(fullHeader)}.${encodeJsonSegment(payload)}`;
  const mac = createHmac('sha256', secret).update(signingInput).digest();
  return `${signingInput}.${base64urlEncode(mac)}`;
}
