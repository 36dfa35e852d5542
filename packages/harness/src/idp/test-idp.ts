/**
 * A loopback OpenID Connect / OAuth identity provider for tests: it publishes discovery
 * metadata and a JWKS over HTTP on 127.0.0.1, signs access tokens, rotates keys and
 * produces forged tokens.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { exportJWK, exportPKCS8, exportSPKI } from 'jose';
import type { JWK } from 'jose';
import { buildAccessTokenClaims, buildAccessTokenHeader, nowSec } from './claims.js';
import type { Claims, MintOptions } from './claims.js';
import { forgeToken, isForgeryKind } from './forge.js';
import type { ForgeOptions, ForgeryKind } from './forge.js';
import { generateSigningKey, isSigningAlg, signingAlgs } from './keys.js';
import type { SigningAlg, SigningKey } from './keys.js';
import { signCompact } from './sign.js';

/** Options of {@link createTestIdp}. */
export interface TestIdpOptions {
  /** Signing algorithm of every key the provider generates. Default: `'RS256'`. */
  readonly alg?: SigningAlg;
}

/** One HTTP request received by the provider. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target as received: path plus query string, if any. */
  readonly path: string;
}

/** A running test identity provider. See {@link createTestIdp}. */
export interface TestIdp {
  /** `http://127.0.0.1:PORT`, no trailing slash; equal to the discovery `issuer`. */
  readonly issuer: string;
  /** `${issuer}/jwks`. */
  readonly jwksUri: string;
  readonly alg: SigningAlg;
  /** Key id of the key `mint` signs with. */
  readonly currentKid: string;
  /** Every request the server received so far, oldest first (a snapshot). */
  readonly requests: readonly RecordedRequest[];
  /**
   * Signs a valid access token: header `{ alg, kid, typ: 'at+jwt' }`, claims = the given
   * claims plus `iss`, `iat`, `exp`, `aud` (and `scope` when `options.scopes` is given).
   */
  mint(claims: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Produces the `kind` forgery of what `mint` would produce for the same claims and options. */
  forge(kind: ForgeryKind, claims: Record<string, unknown>, options?: ForgeOptions): Promise<string>;
  /** Generates a new signing key that becomes current; earlier keys stay published until retired. Returns the new kid. */
  rotate(): Promise<string>;
  /** Removes a non-current key from the JWKS. */
  retire(kid: string): void;
  /** The current public key as SPKI PEM. */
  publicKeyPem(): Promise<string>;
  /**
   * Every published key's private material (PKCS#8 PEM and the private JWK, as text): what a server
   * under test must never put in an answer. For the harness's secret-reflected check; never print it.
   */
  privateKeyMaterial(): Promise<string[]>;
  /** Stops the server and closes every open connection. Idempotent. */
  close(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, ...extraHeaders });
  res.end(JSON.stringify(body));
}

class LoopbackTestIdp implements TestIdp {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly alg: SigningAlg;
  readonly #server: Server;
  readonly #keys = new Map<string, SigningKey>();
  readonly #requests: RecordedRequest[] = [];
  #current: SigningKey;
  #closed: Promise<void> | undefined;

  constructor(server: Server, port: number, alg: SigningAlg, firstKey: SigningKey) {
    this.#server = server;
    this.alg = alg;
    this.issuer = `http://127.0.0.1:${port}`;
    this.jwksUri = `${this.issuer}/jwks`;
    this.#current = firstKey;
    this.#keys.set(firstKey.kid, firstKey);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res);
    });
  }

  get currentKid(): string {
    return this.#current.kid;
  }

  get requests(): readonly RecordedRequest[] {
    return Object.freeze([...this.#requests]);
  }

  async mint(claims: Record<string, unknown>, options: MintOptions = {}): Promise<string> {
    this.#assertOpen('mint');
    const key = this.#current;
    const payload: Claims = buildAccessTokenClaims(claims, options, this.issuer, nowSec());
    return signCompact(buildAccessTokenHeader(key.alg, key.kid, options), payload, key.privateKey);
  }

  async forge(kind: ForgeryKind, claims: Record<string, unknown>, options: ForgeOptions = {}): Promise<string> {
    this.#assertOpen('forge');
    if (!isForgeryKind(kind)) {
      throw new TypeError(`Unknown forgery kind ${JSON.stringify(kind)}; see forgeryKinds for the supported kinds.`);
    }
    return forgeToken({ issuer: this.issuer, currentKey: this.#current }, kind, claims, options);
  }

  async rotate(): Promise<string> {
    this.#assertOpen('rotate');
    const key = await generateSigningKey(this.alg);
    this.#keys.set(key.kid, key);
    this.#current = key;
    return key.kid;
  }

  retire(kid: string): void {
    if (kid === this.#current.kid) {
      throw new Error(`Cannot retire the current signing key ${JSON.stringify(kid)}; call rotate() first.`);
    }
    if (!this.#keys.delete(kid)) {
      const known = [...this.#keys.keys()].map((k) => JSON.stringify(k)).join(', ');
      throw new Error(`Cannot retire unknown key id ${JSON.stringify(kid)}; published key ids: ${known}.`);
    }
  }

  publicKeyPem(): Promise<string> {
    return exportSPKI(this.#current.publicKey);
  }

  async privateKeyMaterial(): Promise<string[]> {
    const keys = [...this.#keys.values()];
    const exported = await Promise.all(keys.map(async (key) => [await exportPKCS8(key.privateKey), JSON.stringify(await exportJWK(key.privateKey))]));
    return exported.flat();
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve, reject) => {
      this.#server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }

  #assertOpen(operation: string): void {
    if (this.#closed !== undefined) {
      throw new Error(`TestIdp.${operation}() called after close().`);
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    this.#requests.push(Object.freeze({ method, path: target }));
    let pathname: string;
    try {
      pathname = new URL(target, this.issuer).pathname;
    } catch {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'Malformed request target.' });
      return;
    }
    const body = this.#route(pathname);
    if (body === undefined) {
      sendJson(res, 404, { error: 'not_found', path: pathname });
    } else if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
    } else {
      sendJson(res, 200, body);
    }
  }

  #route(pathname: string): unknown {
    switch (pathname) {
      case '/.well-known/openid-configuration':
      case '/.well-known/oauth-authorization-server':
        return this.#discovery();
      case '/jwks':
        return { keys: [...this.#keys.values()].map((key): JWK => ({ ...key.publicJwk })) };
      default:
        return undefined;
    }
  }

  #discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: this.jwksUri,
      id_token_signing_alg_values_supported: [this.alg],
      token_endpoint_auth_methods_supported: ['none'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      scopes_supported: [],
    };
  }
}

/**
 * Starts a test identity provider on `127.0.0.1` (random port) with one signing key.
 *
 * It serves `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`
 * and `/jwks`; any other path answers 404. Every request is recorded in `requests`.
 *
 * @throws {TypeError} when `options.alg` is not a supported algorithm.
 * @example
 * ```ts
 * const idp = await createTestIdp({ alg: 'ES256' });
 * try {
 *   const token = await idp.mint({ sub: 'alice', tenant: 'acme' }, { scopes: ['notes:read'] });
 *   const forged = await idp.forge('alg-none', { sub: 'alice', tenant: 'acme' });
 *   // … call the server under test with both …
 * } finally {
 *   await idp.close();
 * }
 * ```
 */
export async function createTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const alg: unknown = options.alg ?? 'RS256';
  if (!isSigningAlg(alg)) {
    throw new TypeError(`Unsupported TestIdp alg ${JSON.stringify(alg)}; expected one of: ${signingAlgs.join(', ')}.`);
  }
  const firstKey = await generateSigningKey(alg);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error(`TestIdp server did not bind a TCP port (address: ${JSON.stringify(address)}).`);
  }
  return new LoopbackTestIdp(server, address.port, alg, firstKey);
}
