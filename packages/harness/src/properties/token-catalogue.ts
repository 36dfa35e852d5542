/**
 * The forged-credential catalogue (`/reference/token-attacks.md`, classes 1–22) as data: for a target,
 * which classes apply, and for each one the variants to send, how to build each credential, and the
 * answer the server owes. Classes 20–22 (missing scope, another tenant's object, sessions) belong to the
 * scope-enforcement, isolation and sessions properties; they are listed here as not applying, with where
 * they are checked.
 *
 * - JWT classes (4–18) apply only when the target's tokens are JWTs; 7 and 14–17 need a key the server
 *   trusts (`target.issuer`, in-process); 12 only against a loopback target (the harness runs the
 *   listener the forged `jku` / `x5u` points at, and the server must not fetch it); 19 only when a
 *   revoked credential is known.
 * - Black-box forgeries are built from a principal's own JWT (its header and claims, its signature);
 *   in-process ones also through the trusted issuer's `mint` / `forge`.
 * - "Expired" is `exp` more than `maxSkewSec` in the past (now − (maxSkew + 15) s), so a server that
 *   tolerates up to `maxSkewSec` must refuse it whatever tolerance it allows; `nbf` / `iat` likewise in
 *   the future.
 *
 * Every built credential is sent under a `forged: <label>` principal, which the exchange log registers
 * for redaction: a forged token is never recorded or printed.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, importSPKI } from 'jose';
import type { FuzzTarget } from '../engine/types.js';
import { base64urlEncode, encodeJsonSegment } from '../idp/base64url.js';
import { generateSigningKey, type SigningAlg, type SigningKey } from '../idp/keys.js';
import { signCompact, signHs256 } from '../idp/sign.js';

/** What a credential variant must be answered with. */
export interface Expectation {
  /** Refusal statuses the catalogue allows (401; also 400/413/431 for an oversized token, 403 for class 18). */
  readonly statuses: readonly number[];
  /** The scheme a 401's `WWW-Authenticate` must open with; undefined: any challenge will do. */
  readonly challengeScheme: 'Bearer' | 'ApiKey' | undefined;
  /** Whether a 401 must carry `resource_metadata=` (the server publishes RFC 9728 metadata and speaks Bearer). */
  readonly resourceMetadata: boolean;
}

/** A built credential: the headers that carry it (none for class 1), and a URL when it travels in the query. */
export interface BuiltCredential {
  readonly headers: Readonly<Record<string, string>>;
  /** Same-origin URL to send to instead of the endpoint (token in the query string). */
  readonly url?: string;
  /**
   * Credential headers with a repeated name (two `Authorization` lines): sent as separate lines where
   * the traffic layer can (`RawRequest.headerList`), else `headers` (the same values joined by `, `,
   * which is what `fetch` makes of a repeated header) goes instead.
   */
  readonly headerList?: readonly (readonly [string, string])[];
  /**
   * What the answer alone cannot show, asked after it arrived: class 12's listener was fetched. Returns
   * why the variant failed, or undefined.
   */
  readonly afterwards?: () => string | undefined;
}

export interface CatalogueVariant {
  /** Catalogue class number (1–19). */
  readonly number: number;
  /** Short, printable (`alg-none NONE no-dot`); the exchange's principal is `forged: <label>`. */
  readonly label: string;
  /** Whose identity the credential claims (the principal whose token or claims it was built from). */
  readonly victim: string | null;
  build(): Promise<BuiltCredential>;
  readonly expect: Expectation;
}

export type CatalogueClass =
  | { readonly number: number; readonly name: string; readonly applies: true; readonly variants: readonly CatalogueVariant[] }
  | { readonly number: number; readonly name: string; readonly applies: false; readonly reason: string };

export interface TokenCatalogue {
  /** Classes 1–22 in order. */
  readonly classes: readonly CatalogueClass[];
  /** Every variant of every class that applies, in catalogue order (simplest first). */
  readonly variants: readonly CatalogueVariant[];
  /** Stops the class-12 listener, if one was started. Idempotent. */
  close(): Promise<void>;
}

export interface CatalogueOptions {
  /** Seconds past `exp` that count as expired whatever the server tolerates (default 60). */
  readonly maxSkewSec?: number;
  /** Whether the server publishes RFC 9728 metadata (see {@link probeResourceMetadata}); default false. */
  readonly resourceMetadata?: boolean;
}

/** Names of the catalogue's classes, by number. */
export const catalogueClassNames: Readonly<Record<number, string>> = Object.freeze({
  1: 'no credential',
  2: 'malformed scheme',
  3: 'not a JWT',
  4: 'alg: none',
  5: 'empty signature',
  6: 'claims tampered, signature kept',
  7: 'untrusted key reusing the real kid',
  8: 'HMAC with a blank or common secret',
  9: 'RS256 to HS256 confusion (public key as HMAC secret)',
  10: 'ES256 with r = s = 0',
  11: 'embedded jwk header',
  12: 'jku / x5u pointing at a loopback listener',
  13: 'kid injection',
  14: 'expired beyond the allowed skew, not yet valid, exp missing',
  15: 'wrong, missing or foreign audience',
  16: 'wrong issuer, or another authorization server',
  17: 'wrong token type (ID or refresh token)',
  18: 'duplicate JSON keys, type-confused claims',
  19: 'revoked credential replayed',
  20: 'valid token lacking a required scope',
  21: "valid token with another tenant's object id",
  22: 'session id with another principal\'s token, or none',
});

/** Common HMAC secrets tried by class 8 (jwt_tool's and tutorials' favourites). */
export const commonHmacSecrets: readonly string[] = Object.freeze(['', 'secret', 'password', 'changeme', 'your-256-bit-secret', 'jwt-secret', 'mcify', '123456']);

/** The `alg: none` spellings class 4 tries. */
const noneSpellings = ['none', 'None', 'NONE', 'nOnE'] as const;

/** Claim names that carry a tenant, tried when no claim's value equals the principal's tenant. */
const tenantClaimNames = /^(tenant|tenant_?id|org|org_?id|organi[sz]ation(_?id)?|account_?id|workspace_?id|team_?id)$/i;

/** The decoded parts of a principal's JWT. */
interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly segments: readonly [string, string, string];
}

function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (!isRecord(header) || !isRecord(payload)) return undefined;
    return { header, payload, segments: [h, p, s] };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether the server publishes RFC 9728 protected-resource metadata: a GET of
 * `/.well-known/oauth-protected-resource<path>`, then of `/.well-known/oauth-protected-resource`,
 * answered 200 with a JSON object naming its `resource`. `get` sends one same-origin GET (through the run's recorder).
 *
 * @example
 * ```ts
 * const published = await probeResourceMetadata(target.url, async (url) => {
 *   const exchange = await ctx.raw({ principal: null, label: 'auth: resource metadata', method: 'GET', headers: {}, url });
 *   return 'error' in exchange.response ? undefined : exchange.response;
 * });
 * ```
 */
export async function probeResourceMetadata(endpoint: URL, get: (url: string) => Promise<{ readonly status: number; readonly body: string } | undefined>): Promise<boolean> {
  const path = endpoint.pathname.replace(/\/+$/, '');
  const locations = [...new Set([`${endpoint.origin}/.well-known/oauth-protected-resource${path}`, `${endpoint.origin}/.well-known/oauth-protected-resource`])];
  for (const location of locations) {
    const answer = await get(location).catch(() => undefined);
    if (answer?.status !== 200) continue;
    try {
      const document: unknown = JSON.parse(answer.body);
      // RFC 9728 §2: `resource` is required (a catch-all JSON answer is not metadata).
      if (isRecord(document) && typeof document.resource === 'string') return true;
    } catch {
      // not JSON: not metadata
    }
  }
  return false;
}

/** A loopback HTTP listener counting what it receives, per path (class 12). */
class KeyUrlListener {
  readonly #hits = new Map<string, number>();
  #server: Promise<{ server: Server; origin: string }> | undefined;

  async url(path: string): Promise<string> {
    this.#server ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        const at = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
        this.#hits.set(at, (this.#hits.get(at) ?? 0) + 1);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"keys":[]}');
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.unref();
        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error('the jku listener did not bind a TCP port'));
          return;
        }
        resolve({ server, origin: `http://127.0.0.1:${address.port}` });
      });
    });
    const { origin } = await this.#server;
    return `${origin}${path}`;
  }

  hits(path: string): number {
    return this.#hits.get(path) ?? 0;
  }

  async close(): Promise<void> {
    const started = this.#server;
    this.#server = undefined;
    if (started === undefined) return;
    const { server } = await started.catch(() => ({ server: undefined }));
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }
}

/** Attacker keys, generated once per catalogue (RSA key generation is slow). */
class AttackerKeys {
  readonly #keys = new Map<SigningAlg, Promise<SigningKey>>();

  get(alg: SigningAlg): Promise<SigningKey> {
    let key = this.#keys.get(alg);
    if (key === undefined) {
      key = generateSigningKey(alg);
      this.#keys.set(alg, key);
    }
    return key;
  }
}

function memo<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    built.catch(() => {
      built = undefined;
    });
    return built;
  };
}

/** The asymmetric alg of the victim's token, for attacker keys of the same family. */
function asymmetricAlg(alg: unknown): SigningAlg {
  if (typeof alg === 'string' && /^(RS|PS)/.test(alg)) return 'RS256';
  if (alg === 'EdDSA') return 'EdDSA';
  return 'ES256';
}

/**
 * The catalogue for a target: which classes apply, with their variants, and why the others do not.
 *
 * @example
 * ```ts
 * const catalogue = await catalogueFor(target, { maxSkewSec: 60, resourceMetadata: true });
 * for (const variant of catalogue.variants) {
 *   const { headers, url } = await variant.build();
 *   // send as `forged: ${variant.label}`, compare the answer with variant.expect
 * }
 * await catalogue.close();
 * ```
 */
export function catalogueFor(target: FuzzTarget, options: CatalogueOptions = {}): TokenCatalogue {
  const maxSkewSec = options.maxSkewSec ?? 60;
  const beyondSkew = maxSkewSec + 15;
  const scheme = target.challengeScheme;
  const base: Expectation = { statuses: [401], challengeScheme: scheme, resourceMetadata: options.resourceMetadata === true && scheme === 'Bearer' };
  const oversized: Expectation = { ...base, statuses: [401, 400, 413, 431] };
  const confused: Expectation = { ...base, statuses: [401, 403] };
  const listener = new KeyUrlListener();
  const attackers = new AttackerKeys();
  const { name: headerName, prefix } = target.credentialHeader;
  const credential = (token: string): Record<string, string> => ({ [headerName]: `${prefix}${token}` });

  const withToken = target.principals.filter((principal) => principal.token !== undefined);
  const subject = withToken[0];
  const jwt = target.tokenKind === 'jwt' && subject?.token !== undefined ? decodeJwt(subject.token.reveal()) : undefined;
  const other = subject === undefined ? undefined : (target.principals.find((principal) => principal.tenant !== subject.tenant) ?? target.principals.find((principal) => principal !== subject));
  const victim = subject?.name ?? null;

  const classes: CatalogueClass[] = [];
  const add = (number: number, variants: readonly Omit<CatalogueVariant, 'number'>[]): void => {
    classes.push({ number, name: catalogueClassNames[number] ?? `class ${number}`, applies: true, variants: variants.map((variant) => ({ ...variant, number })) });
  };
  const skip = (number: number, reason: string): void => {
    classes.push({ number, name: catalogueClassNames[number] ?? `class ${number}`, applies: false, reason });
  };
  const variant = (label: string, build: () => Promise<BuiltCredential>, expect: Expectation = base, who: string | null = victim): Omit<CatalogueVariant, 'number'> => ({ label, victim: who, build, expect });
  const fixed = (label: string, headers: Record<string, string>, expect: Expectation = base, who: string | null = null) => variant(label, () => Promise.resolve({ headers }), expect, who);

  // 1. No credential.
  add(1, [fixed('no-credential', {})]);

  // 2. Malformed scheme.
  const subjectToken = subject?.token?.reveal();
  if (headerName.toLowerCase() === 'authorization') {
    const scheme2 = [
      fixed('basic-scheme', { authorization: `Basic ${base64urlEncode('mcify-audit:not-a-password')}` }),
      fixed('bearer-empty', { authorization: 'Bearer ' }),
      fixed('bearer-lowercase-empty', { authorization: 'bearer ' }),
      // Two lines where the traffic layer can send them; else joined into one value, as fetch does.
      variant('two-authorization-headers', () => {
        const lines: [string, string][] = [['authorization', `Bearer ${randomToken()}`], ['authorization', `Bearer ${randomToken()}`]];
        return Promise.resolve({ headers: { authorization: lines.map(([, value]) => value).join(', ') }, headerList: lines });
      }),
    ];
    if (subjectToken !== undefined) {
      const url = new URL(target.url);
      url.searchParams.set('access_token', subjectToken);
      scheme2.push(variant('token-in-query', () => Promise.resolve({ headers: {}, url: url.href })));
    }
    add(2, scheme2);
  } else {
    const scheme2 = [fixed('empty-key', { [headerName]: '' }), fixed('key-under-authorization-basic', { authorization: `Basic ${base64urlEncode('mcify-audit:not-a-password')}` })];
    if (subjectToken !== undefined) {
      const url = new URL(target.url);
      url.searchParams.set('api_key', subjectToken);
      scheme2.push(variant('key-in-query', () => Promise.resolve({ headers: {}, url: url.href })));
    }
    add(2, scheme2);
  }

  // 3. Not a JWT (for any token kind: garbage in place of the credential).
  const notJwt = [
    fixed('two-segments', credential(`${encodeJsonSegment({ alg: 'none' })}.${encodeJsonSegment({ sub: 'x' })}`)),
    fixed('four-segments', credential(`${randomToken()}.${randomToken()}.${randomToken()}.${randomToken()}`)),
    fixed('bad-base64url', credential('e30=.%%%.***')),
    fixed('non-json-header', credential(`${base64urlEncode('not json')}.${encodeJsonSegment({ sub: 'x' })}.${randomToken()}`)),
    fixed('random-opaque', credential(randomToken(32))),
    fixed('oversized-12KiB', credential('A'.repeat(12 * 1024)), oversized),
  ];
  if (subjectToken !== undefined && subjectToken.length >= 2) {
    notJwt.push(variant('altered-character', () => Promise.resolve({ headers: credential(alteredToken(subjectToken, target.tokenKind === 'jwt')) })));
  }
  add(3, notJwt);

  // 4–18: JWT classes.
  const jwtReason =
    target.tokenKind === 'jwt'
      ? jwt === undefined
        ? 'no principal has a JWT to build forgeries from'
        : undefined
      : target.tokenKind === 'opaque'
        ? 'the tokens are opaque (not JWTs): JWT forgeries do not apply'
        : 'the server takes no credentials: JWT forgeries do not apply';
  const issuer = target.issuer;
  const trustedReason = issuer === undefined ? (target.mode === 'black-box' ? 'needs a key the server trusts: in-process only (black-box mode has only the tokens it was given)' : 'needs a key the server trusts, and this target has no test identity provider (its tokens come from issueToken)') : undefined;

  if (jwtReason !== undefined || jwt === undefined || subject === undefined) {
    const reason = jwtReason ?? 'no principal has a JWT to build forgeries from';
    for (let number = 4; number <= 18; number += 1) skip(number, reason);
  } else {
    const { header, payload, segments } = jwt;
    const [h, p, s] = segments;
    const kid = header.kid;
    const typ = header.typ ?? 'JWT';
    const withKid = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...(kid === undefined ? {} : { kid }), typ, ...extra });
    const tenantKey = Object.keys(payload).find((key) => payload[key] === subject.tenant) ?? Object.keys(payload).find((key) => tenantClaimNames.test(key));
    const otherSub = other?.claims?.sub;
    const otherTenantValue = tenantKey === undefined ? undefined : (other?.claims?.[tenantKey] ?? other?.tenant);

    // 4. alg: none.
    const none = noneSpellings.flatMap((spelling) => {
      const head = encodeJsonSegment({ ...header, alg: spelling });
      return [
        fixed(`alg-none ${spelling}`, credential(`${head}.${p}.`), base, victim),
        fixed(`alg-none ${spelling} no-dot`, credential(`${head}.${p}`), base, victim),
        fixed(`alg-none ${spelling} original-signature`, credential(`${head}.${p}.${s}`), base, victim),
      ];
    });
    add(4, none);

    // 5. Empty signature.
    add(5, [fixed('empty-signature', credential(`${h}.${p}.`), base, victim)]);

    // 6. Claims tampered, original signature kept.
    const tampered = (label: string, changes: Record<string, unknown>, who: string | null) => fixed(label, credential(`${h}.${encodeJsonSegment({ ...payload, ...changes })}.${s}`), base, who);
    const tamper6 = [
      tampered('tampered exp', { exp: (typeof payload.exp === 'number' ? payload.exp : nowSec()) + 86_400 }, victim),
      tampered('tampered scope', { scope: [...new Set([...(subject.scopes ?? []), ...target.principals.flatMap((principal) => principal.scopes ?? []), 'admin'])].join(' ') }, victim),
    ];
    if (typeof otherSub === 'string' && otherSub !== payload.sub) tamper6.unshift(tampered('tampered sub', { sub: otherSub }, other?.name ?? null));
    if (tenantKey !== undefined && otherTenantValue !== undefined && otherTenantValue !== payload[tenantKey]) {
      tamper6.splice(1, 0, tampered(`tampered ${tenantKey}`, { [tenantKey]: otherTenantValue }, other?.name ?? null));
    }
    add(6, tamper6);

    // 7. Untrusted key reusing the real kid.
    if (issuer === undefined) skip(7, trustedReason ?? 'needs a key the server trusts');
    else add(7, [variant('untrusted-key', memo(async () => ({ headers: credential(await issuer.forge('untrusted-key', subject)) })))]);

    // 8. HMAC with a blank or common secret.
    add(
      8,
      commonHmacSecrets.map((secret) => fixed(secret === '' ? 'hs256 blank secret' : `hs256 secret "${secret}"`, credential(signHs256(withKid({}), payload, secret)), base, victim)),
    );

    // 9. RS256 → HS256 with the public key as the HMAC secret.
    if (issuer === undefined) {
      skip(9, target.mode === 'black-box' ? "needs the server's public key; black-box mode sends requests only to the target, not to its issuer's JWKS" : (trustedReason ?? 'needs the trusted key'));
    } else {
      const publicKeyForms = memo(async () => {
        const pem = await issuer.publicKeyPem();
        const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
        const jwk = await exportJWK(await importSPKI(pem, typeof header.alg === 'string' && header.alg !== 'none' ? header.alg : 'RS256', { extractable: true }));
        return { pem, der, jwk: JSON.stringify(jwk) };
      });
      add(9, [
        variant('hs256 public key (PEM)', memo(async () => ({ headers: credential(await issuer.forge('hs256-public-key', subject)) }))),
        variant('hs256 public key (PEM, no trailing newline)', memo(async () => ({ headers: credential(signHs256(withKid({}), payload, Buffer.from((await publicKeyForms()).pem.trimEnd(), 'utf8'))) }))),
        variant('hs256 public key (DER)', memo(async () => ({ headers: credential(signHs256(withKid({}), payload, (await publicKeyForms()).der)) }))),
        variant('hs256 public key (JWK)', memo(async () => ({ headers: credential(signHs256(withKid({}), payload, Buffer.from((await publicKeyForms()).jwk, 'utf8'))) }))),
      ]);
    }

    // 10. ES256 with r = s = 0 (CVE-2022-21449).
    const es256Head = encodeJsonSegment(withKid({ alg: 'ES256' }));
    add(10, [
      fixed('es256 r=s=0 (raw)', credential(`${es256Head}.${p}.${base64urlEncode(new Uint8Array(64))}`), base, victim),
      fixed('es256 r=s=0 (DER)', credential(`${es256Head}.${p}.${base64urlEncode(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]))}`), base, victim),
    ]);

    // 11. Embedded jwk (CVE-2018-0114).
    const embedded = (alg: SigningAlg) =>
      variant(`embedded-jwk ${alg}`, memo(async () => {
        const key = await attackers.get(alg);
        const jwk = { ...key.publicJwk };
        delete jwk.use;
        return { headers: credential(await signCompact({ alg, typ, kid: key.kid, jwk }, payload, key.privateKey)) };
      }));
    const victimAlg = asymmetricAlg(header.alg);
    add(11, victimAlg === 'ES256' ? [embedded('ES256')] : [embedded('ES256'), embedded(victimAlg)]);

    // 12. jku / x5u at a loopback listener: refused, and never fetched.
    if (!target.loopback) {
      skip(12, 'the target is not on loopback: the listener the forged jku / x5u points at would not be reachable as "a listener the harness runs"');
    } else {
      const keyUrl = (member: 'jku' | 'x5u') =>
        variant(`${member} loopback`, async () => {
          const path = `/${member}/${randomBytes(8).toString('hex')}`;
          const url = await listener.url(path);
          const key = await attackers.get('ES256');
          const token = await signCompact({ alg: 'ES256', typ, kid: key.kid, [member]: url }, payload, key.privateKey);
          return {
            headers: credential(token),
            afterwards: () => (listener.hits(path) > 0 ? `the server fetched the ${member} URL the token named (${listener.hits(path)} request${listener.hits(path) > 1 ? 's' : ''} to the harness's listener)` : undefined),
          };
        });
      add(12, [keyUrl('jku'), keyUrl('x5u')]);
    }

    // 13. kid injection: 401, never 500.
    const injected = (label: string, injectedKid: string, secret: string) => fixed(label, credential(signHs256({ typ, kid: injectedKid }, payload, secret)), base, victim);
    add(13, [
      injected('kid path traversal', '../../../../../../../../dev/null', ''),
      injected('kid sql injection', "x' UNION SELECT 'key' -- ", 'key'),
      injected('kid shell metacharacters', '$(id)|id;`id`&& id', ''),
      fixed('kid unknown', credential(`${encodeJsonSegment({ ...header, kid: `unknown-${randomBytes(6).toString('hex')}` })}.${p}.${s}`), base, victim),
    ]);

    // 14–17: need the trusted key.
    if (issuer === undefined) {
      for (const number of [14, 15, 16, 17]) skip(number, trustedReason ?? 'needs the trusted key');
    } else {
      // Time-relative: built afresh for each send, so "not yet valid" never becomes valid mid-run.
      add(14, [
        variant(`expired ${beyondSkew}s ago`, async () => ({ headers: credential(await issuer.mint(subject, { issuedAtSec: nowSec() - beyondSkew - 60, expiresInSec: 60 })) })),
        variant(`nbf ${beyondSkew}s ahead`, async () => ({ headers: credential(await issuer.mint(subject, { notBeforeSec: beyondSkew })) })),
        variant(`iat ${beyondSkew}s ahead`, async () => ({ headers: credential(await issuer.mint(subject, { issuedAtSec: nowSec() + beyondSkew })) })),
        variant('exp missing', memo(async () => ({ headers: credential(await issuer.forge('missing-exp', subject)) }))),
      ]);
      add(15, [
        variant('audience wrong', memo(async () => ({ headers: credential(await issuer.mint(subject, { audience: 'https://another-resource.example/mcp' })) }))),
        // An issuer that cannot leave `aud` out writes an empty list: no audience either way.
        variant('audience missing', memo(async () => ({ headers: credential(await issuer.mint(subject, { omit: ['aud'] }).catch(() => issuer.mint(subject, { audience: [] }))) }))),
        variant('audience array of another resource', memo(async () => ({ headers: credential(await issuer.mint(subject, { audience: ['https://another-resource.example/mcp', 'another-resource'] })) }))),
      ]);
      add(16, [
        variant('issuer wrong', memo(async () => ({ headers: credential(await issuer.mint(subject, { issuer: 'https://attacker.example' })) }))),
        variant('another authorization server', memo(async () => {
          const key = await attackers.get(victimAlg);
          const now = nowSec();
          return { headers: credential(await signCompact({ alg: victimAlg, typ: 'at+jwt', kid: key.kid }, { ...payload, iss: 'https://other-authorization-server.example', iat: now, exp: now + 900 }, key.privateKey)) };
        })),
      ]);
      add(17, [
        variant('id token', memo(async () => ({ headers: credential(await issuer.forge('wrong-typ', subject)) }))),
        variant('refresh token', memo(async () => ({ headers: credential(await issuer.mint(subject, { typ: 'JWT', audience: issuer.issuerUrl, claims: { typ: 'Refresh' } })) }))),
      ]);
    }

    // 18. Duplicate keys and type-confused claims: 401 or 403, never 500.
    const subText = JSON.stringify(payload.sub ?? 'someone');
    const duplicate = `${JSON.stringify(payload).slice(0, -1)},"sub":${JSON.stringify(typeof otherSub === 'string' ? otherSub : 'someone-else')},"sub":${subText}}`;
    const confusedVariants = [
      fixed('duplicate sub', credential(`${h}.${base64urlEncode(duplicate)}.${s}`), confused, other?.name ?? victim),
      fixed('sub as array (signature kept)', credential(`${h}.${encodeJsonSegment({ ...payload, sub: [payload.sub, otherSub ?? 'someone-else'] })}.${s}`), confused, victim),
    ];
    if (tenantKey !== undefined) confusedVariants.push(fixed(`${tenantKey} null (signature kept)`, credential(`${h}.${encodeJsonSegment({ ...payload, [tenantKey]: null })}.${s}`), confused, victim));
    if (issuer !== undefined) {
      confusedVariants.push(variant('sub as array (signed)', memo(async () => ({ headers: credential(await issuer.mint(subject, { claims: { sub: [payload.sub, otherSub ?? 'someone-else'] } })) })), confused));
    }
    add(18, confusedVariants);
  }

  // 19. Revoked credential.
  const revoked = Object.entries(target.revoked).sort(([a], [b]) => a.localeCompare(b));
  if (revoked.length === 0) skip(19, 'no revoked credential is known (the hook\'s revokedToken, or --revoked-token NAME=TOKEN)');
  else add(19, revoked.map(([name, secret]) => fixed(`revoked ${name}`, credential(secret.reveal()), base, name)));

  skip(20, 'checked by the scope-enforcement property');
  skip(21, 'checked by the read- and write-isolation properties');
  skip(22, 'checked by the sessions property');

  classes.sort((a, b) => a.number - b.number);
  const variants = classes.flatMap((entry) => (entry.applies ? entry.variants : []));
  return { classes, variants, close: () => listener.close() };
}

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

function randomToken(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The token with one character changed where every bit counts: the signature's first character for a
 * JWT (a segment's last character may carry only padding bits), the middle one otherwise.
 */
function alteredToken(token: string, jwt: boolean): string {
  const at = jwt && token.lastIndexOf('.') >= 0 && token.lastIndexOf('.') < token.length - 1 ? token.lastIndexOf('.') + 1 : Math.floor(token.length / 2);
  const current = token[at] ?? 'A';
  const replacement = current === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}

