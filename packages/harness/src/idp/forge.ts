/**
 * Forged and invalid access tokens: each kind is what `mint` would produce for the same
 * inputs, with exactly one defect a correct verifier must reject.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { exportSPKI } from 'jose';
import { encodeJsonSegment, splitCompact } from './base64url.js';
import { buildAccessTokenClaims, buildAccessTokenHeader, DEFAULT_EXPIRES_IN_SEC, nowSec } from './claims.js';
import type { Claims, MintOptions } from './claims.js';
import { generateSigningKey } from './keys.js';
import type { SigningKey } from './keys.js';
import { signCompact, signHs256 } from './sign.js';

/**
 * Every forgery kind, in a stable order, so callers can iterate over all of them.
 *
 * @example
 * ```ts
 * for (const kind of forgeryKinds) {
 *   const token = await idp.forge(kind, { sub: 'alice' });
 *   // expect the server under test to answer 401
 * }
 * ```
 */
export const forgeryKinds = Object.freeze([
  'expired',
  'not-yet-valid',
  'missing-exp',
  'wrong-audience',
  'wrong-issuer',
  'untrusted-key',
  'alg-none',
  'hs256-public-key',
  'hs256-common-secret',
  'empty-signature',
  'tampered-claims',
  'embedded-jwk',
  'jku',
  'wrong-typ',
] as const);

/**
 * A class of forged or invalid token:
 *
 * - `expired`: `exp` one hour in the past (`iat` one lifetime before it).
 * - `not-yet-valid`: `nbf` one hour in the future (`exp` one lifetime after it).
 * - `missing-exp`: no `exp` claim, correctly signed.
 * - `wrong-audience`: `aud` names another resource ({@link ForgeOptions.wrongAudience}).
 * - `wrong-issuer`: `iss` is `https://attacker.example`, correctly signed.
 * - `untrusted-key`: signed by a fresh key absent from the JWKS, reusing the real `kid`.
 * - `alg-none`: header `alg: none` (any spelling), empty signature.
 * - `hs256-public-key`: HS256 keyed with the current public key's SPKI PEM (alg confusion).
 * - `hs256-common-secret`: HS256 keyed with a guessable secret (`'secret'` by default).
 * - `empty-signature`: a valid token with its signature segment removed.
 * - `tampered-claims`: a valid token whose payload is altered, original signature kept.
 * - `embedded-jwk`: self-signed with the attacker's public key in the `jwk` header (CVE-2018-0114).
 * - `jku`: self-signed with a `jku` header pointing at an attacker JWKS URL.
 * - `wrong-typ`: an ID token (`typ: JWT`, `aud` = a client id, `nonce`, `azp`) presented as an access token.
 */
export type ForgeryKind = (typeof forgeryKinds)[number];

/** Spellings of `none` tried by the `alg-none` forgery. */
export type NoneSpelling = 'none' | 'None' | 'NONE' | 'nOnE';

/** Options of {@link TestIdp.forge}: those of `mint` (applied to the base token) plus per-kind knobs. */
export interface ForgeOptions extends MintOptions {
  /** `alg-none`: how `none` is spelled. Default: `'none'`. */
  readonly noneSpelling?: NoneSpelling;
  /** `alg-none`: keep the signature segment of a real token instead of an empty one. Default: `false`. */
  readonly keepSignature?: boolean;
  /** `hs256-common-secret`: the HMAC secret; `''` is allowed. Default: `'secret'`. */
  readonly secret?: string;
  /** `tampered-claims`: claims merged into the signed payload. Default: `{ sub: 'someone-else' }`. */
  readonly tamper?: Readonly<Record<string, unknown>>;
  /** `jku`: URL written into the `jku` header. Default: `${issuer}/attacker-jwks`. */
  readonly jkuUrl?: string;
  /** `wrong-audience`: the audience written instead of the real one. Default: `'another-resource'`. */
  readonly wrongAudience?: string | readonly string[];
}

/** What a forgery needs to know about the identity provider. */
export interface ForgeContext {
  readonly issuer: string;
  readonly currentKey: SigningKey;
}

/** `iss` of the `wrong-issuer` forgery. */
export const ATTACKER_ISSUER = 'https://attacker.example';
/** `aud` of the `wrong-audience` forgery by default. */
export const OTHER_AUDIENCE = 'another-resource';
/** Client id used as `aud` and `azp` by the `wrong-typ` (ID token) forgery. */
export const ID_TOKEN_CLIENT_ID = 'test-client';

const HOUR_SEC = 3600;
const noneSpellings: readonly string[] = ['none', 'None', 'NONE', 'nOnE'];

/**
 * Tells whether a value names a {@link ForgeryKind}.
 *
 * @example
 * ```ts
 * isForgeryKind('alg-none'); // true
 * ```
 */
export function isForgeryKind(value: unknown): value is ForgeryKind {
  return typeof value === 'string' && (forgeryKinds as readonly string[]).includes(value);
}

/**
 * Produces the `kind` forgery of what `mint(claims, options)` would produce.
 *
 * @throws {TypeError} for an unknown kind or an invalid option value.
 * @example
 * ```ts
 * const token = await forgeToken({ issuer, currentKey }, 'alg-none', { sub: 'alice' }, { noneSpelling: 'NONE' });
 * ```
 */
export async function forgeToken(
  context: ForgeContext,
  kind: ForgeryKind,
  claims: Claims,
  options: ForgeOptions = {},
): Promise<string> {
  const { issuer, currentKey: key } = context;
  const now = nowSec();
  const base = buildAccessTokenClaims(claims, options, issuer, now);
  const header = buildAccessTokenHeader(key.alg, key.kid, options);
  const lifetime = options.expiresInSec ?? DEFAULT_EXPIRES_IN_SEC;
  const signWithCurrentKey = (payload: Claims): Promise<string> => signCompact(header, payload, key.privateKey);

  switch (kind) {
    case 'expired': {
      const exp = now - HOUR_SEC;
      return signWithCurrentKey({ ...base, iat: exp - lifetime, exp });
    }
    case 'not-yet-valid': {
      const nbf = now + HOUR_SEC;
      return signWithCurrentKey({ ...base, nbf, exp: nbf + lifetime });
    }
    case 'missing-exp': {
      const withoutExp = { ...base };
      delete withoutExp.exp;
      return signWithCurrentKey(withoutExp);
    }
    case 'wrong-audience': {
      const aud = options.wrongAudience ?? OTHER_AUDIENCE;
      return signWithCurrentKey({ ...base, aud: typeof aud === 'string' ? aud : [...aud] });
    }
    case 'wrong-issuer':
      return signWithCurrentKey({ ...base, iss: ATTACKER_ISSUER });
    case 'untrusted-key': {
      const attacker = await generateSigningKey(key.alg);
      return signCompact(header, base, attacker.privateKey);
    }
    case 'alg-none': {
      const spelling = options.noneSpelling ?? 'none';
      if (!noneSpellings.includes(spelling)) {
        throw new TypeError(`ForgeOptions.noneSpelling must be one of ${noneSpellings.join(', ')}, got ${JSON.stringify(spelling)}.`);
      }
      const signature = options.keepSignature === true ? splitCompact(await signWithCurrentKey(base)).signature : '';
      return `${encodeJsonSegment({ alg: spelling, typ: header.typ })}.${encodeJsonSegment(base)}.${signature}`;
    }
    case 'hs256-public-key': {
      const pem = await exportSPKI(key.publicKey);
      return signHs256(header, base, Buffer.from(pem, 'utf8'));
    }
    case 'hs256-common-secret':
      return signHs256(header, base, options.secret ?? 'secret');
    case 'empty-signature': {
      const { header: h, payload } = splitCompact(await signWithCurrentKey(base));
      return `${h}.${payload}.`;
    }
    case 'tampered-claims': {
      const tampered = { ...base, ...(options.tamper ?? { sub: 'someone-else' }) };
      const tamperedSegment = encodeJsonSegment(tampered);
      const { header: h, payload, signature } = splitCompact(await signWithCurrentKey(base));
      if (tamperedSegment === payload) {
        throw new TypeError('ForgeOptions.tamper must change at least one claim of the minted token.');
      }
      return `${h}.${tamperedSegment}.${signature}`;
    }
    case 'embedded-jwk': {
      const attacker = await generateSigningKey(key.alg);
      const jwk = { ...attacker.publicJwk };
      delete jwk.use;
      return signCompact({ ...header, kid: attacker.kid, jwk }, base, attacker.privateKey);
    }
    case 'jku': {
      const attacker = await generateSigningKey(key.alg);
      const jku = options.jkuUrl ?? `${issuer}/attacker-jwks`;
      return signCompact({ ...header, kid: attacker.kid, jku }, base, attacker.privateKey);
    }
    case 'wrong-typ': {
      const idTokenClaims: Claims = {
        ...base,
        aud: ID_TOKEN_CLIENT_ID,
        azp: ID_TOKEN_CLIENT_ID,
        nonce: randomBytes(12).toString('base64url'),
      };
      return signCompact({ ...header, typ: 'JWT' }, idTokenClaims, key.privateKey);
    }
    default:
      return unknownKind(kind);
  }
}

function unknownKind(kind: never): never {
  throw new TypeError(`Unknown forgery kind ${JSON.stringify(kind)}; expected one of: ${forgeryKinds.join(', ')}.`);
}
