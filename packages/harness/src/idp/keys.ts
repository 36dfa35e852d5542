/**
 * Signing keys of the test identity provider.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

/** Asymmetric JWS algorithms the test identity provider can sign with. */
export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';

/** Every supported {@link SigningAlg}, in a stable order. */
export const signingAlgs: readonly SigningAlg[] = Object.freeze(['RS256', 'ES256', 'EdDSA'] as const);

/** A generated key pair, its key id and its public JWK as published in the JWKS. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Public members only, plus `kid`, `alg` and `use: 'sig'`. */
  readonly publicJwk: Readonly<JWK>;
}

/**
 * Tells whether a value names a supported signing algorithm.
 *
 * @example
 * ```ts
 * isSigningAlg('ES256'); // true
 * isSigningAlg('HS256'); // false
 * ```
 */
export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (signingAlgs as readonly string[]).includes(value);
}

/**
 * Generates a fresh key pair for `alg` with a random key id.
 *
 * EdDSA keys use the Ed25519 curve.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('ES256');
 * key.publicJwk; // { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' }
 * ```
 */
export async function generateSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
      : await generateKeyPair(alg, { extractable: true });
  const kid = randomBytes(8).toString('base64url');
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = Object.freeze({ ...exported, kid, alg, use: 'sig' });
  return { kid, alg, privateKey, publicKey, publicJwk };
}
