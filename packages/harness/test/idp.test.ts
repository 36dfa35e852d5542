import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  jwtVerify,
  UnsecuredJWT,
} from 'jose';
import type { JWTPayload, JWTVerifyOptions, JWTVerifyResult } from 'jose';
import { createTestIdp, forgeryKinds } from '@mcify-audit/harness';
import type { ForgeOptions, ForgeryKind, TestIdp } from '@mcify-audit/harness';

const AUDIENCE = 'mcify-test-resource';
const ASYMMETRIC_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
const CLAIMS = { sub: 'alice', tenant: 'acme' } as const;

/** A correct resource-server verifier: a fresh remote JWKS, issuer, audience, `exp` required, asymmetric algs only. */
function verify(idp: TestIdp, token: string, extra: Partial<JWTVerifyOptions> = {}): Promise<JWTVerifyResult> {
  const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
  return jwtVerify(token, jwks, {
    issuer: idp.issuer,
    audience: AUDIENCE,
    algorithms: [...ASYMMETRIC_ALGS],
    requiredClaims: ['exp'],
    ...extra,
  });
}

function segments(token: string): [string, string, string] {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return [parts[0] ?? '', parts[1] ?? '', parts[2] ?? ''];
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** The jose error each forgery must produce with the {@link verify} verifier. */
const expectedRejection: Record<ForgeryKind, { code: string; claim?: string }> = {
  expired: { code: 'ERR_JWT_EXPIRED', claim: 'exp' },
  'not-yet-valid': { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' },
  'missing-exp': { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'exp' },
  'wrong-audience': { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' },
  'wrong-issuer': { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' },
  'untrusted-key': { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  'alg-none': { code: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  'hs256-public-key': { code: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  'hs256-common-secret': { code: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  'empty-signature': { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  'tampered-claims': { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  'embedded-jwk': { code: 'ERR_JWKS_NO_MATCHING_KEY' },
  jku: { code: 'ERR_JWKS_NO_MATCHING_KEY' },
  'wrong-typ': { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' },
};

describe('test IdP HTTP surface', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await createTestIdp();
  });
  afterAll(async () => {
    await idp.close();
  });

  it('listens on 127.0.0.1 with a random port and derives issuer and jwksUri from it', async () => {
    const url = new URL(idp.issuer);
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(idp.issuer).toBe(`http://127.0.0.1:${url.port}`);
    expect(idp.jwksUri).toBe(`${idp.issuer}/jwks`);
    expect(idp.alg).toBe('RS256');
    // Bound to IPv4 loopback only: the same port on IPv6 loopback is not this server.
    await expect(fetch(`http://[::1]:${url.port}/jwks`)).rejects.toThrow();
  });

  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'serves discovery metadata at %s whose issuer equals the issuer property',
    async (path) => {
      const { status, headers, body } = await getJson(`${idp.issuer}${path}`);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(body.issuer).toBe(idp.issuer);
      expect(body.jwks_uri).toBe(idp.jwksUri);
      expect(body.id_token_signing_alg_values_supported).toEqual(['RS256']);
      expect(Array.isArray(body.token_endpoint_auth_methods_supported)).toBe(true);
      expect(body.response_types_supported).toEqual(['code']);
      expect(body.subject_types_supported).toEqual(['public']);
      expect(body.scopes_supported).toEqual([]);
    },
  );

  it('serves the public JWKS without private members and with cache-control: no-store', async () => {
    const { status, headers, body } = await getJson(idp.jwksUri);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    const keys = body.keys as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: 'RSA', kid: idp.currentKid, alg: 'RS256', use: 'sig' });
    expect(typeof key?.n).toBe('string');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      expect(key).not.toHaveProperty(privateMember);
    }
  });

  it("gives each published key's private material (PKCS#8 PEM and private JWK) for the reflected-secret check, and never in the JWKS", async () => {
    const material = await idp.privateKeyMaterial();
    const pem = material.find((text) => text.startsWith('-----BEGIN PRIVATE KEY-----'));
    const jwk = material.map((text) => (text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined)).find((value) => value !== undefined);
    expect(pem).toBeDefined();
    expect(typeof jwk?.d).toBe('string');
    const jwks = JSON.stringify((await getJson(idp.jwksUri)).body);
    expect(jwks).not.toContain(String(jwk?.d));
    expect(jwks).not.toContain(pem?.split('\n')[1] ?? 'unreachable');
  });

  it('answers 404 JSON for unknown paths and records every request (path with query)', async () => {
    const before = idp.requests.length;
    const { status, headers, body } = await getJson(`${idp.issuer}/nope?x=1`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.error).toBe('not_found');
    const post = await fetch(idp.jwksUri, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(idp.requests.slice(before)).toEqual([
      { method: 'GET', path: '/nope?x=1' },
      { method: 'POST', path: '/jwks' },
    ]);
  });

  it('returns a snapshot from requests that later traffic does not mutate', async () => {
    const snapshot = idp.requests;
    await fetch(`${idp.issuer}/another`);
    expect(idp.requests.length).toBe(snapshot.length + 1);
    expect(Object.isFrozen(snapshot)).toBe(true);
  });

  it('exposes the current public key as SPKI PEM', async () => {
    const pem = await idp.publicKeyPem();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
  });
});

describe.each(ASYMMETRIC_ALGS)('test IdP with %s', (alg) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await createTestIdp({ alg });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('publishes a key of the right type in the JWKS', async () => {
    const { body } = await getJson(idp.jwksUri);
    const keys = body.keys as Record<string, unknown>[];
    const expectedKty = { RS256: 'RSA', ES256: 'EC', EdDSA: 'OKP' }[alg];
    expect(keys).toEqual([expect.objectContaining({ kty: expectedKty, kid: idp.currentKid, alg, use: 'sig' })]);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('mints an access token that a correct verifier accepts via the served JWKS', async () => {
    const before = idp.requests.filter((r) => r.path === '/jwks').length;
    const issuedAround = nowSec();
    const token = await idp.mint({ ...CLAIMS }, { scopes: ['notes:read', 'notes:write'] });
    const { payload, protectedHeader } = await verify(idp, token, { typ: 'at+jwt' });
    expect(protectedHeader).toEqual({ alg, kid: idp.currentKid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ ...CLAIMS, iss: idp.issuer, aud: AUDIENCE, scope: 'notes:read notes:write' });
    expect(payload.iat).toBeGreaterThanOrEqual(issuedAround);
    expect(payload.iat).toBeLessThanOrEqual(nowSec());
    expect(payload.exp).toBe((payload.iat ?? 0) + 900);
    expect(payload).not.toHaveProperty('nbf');
    // The verifier really fetched the JWKS from the IdP.
    expect(idp.requests.filter((r) => r.path === '/jwks').length).toBeGreaterThan(before);
  });

  it('omits the scope claim when no scopes are given', async () => {
    const { payload } = await verify(idp, await idp.mint({ sub: 'bob' }));
    expect(payload).not.toHaveProperty('scope');
  });

  it.each(forgeryKinds)('forge(%s) is rejected while mint with the same inputs is accepted', async (kind) => {
    const options: ForgeOptions = { scopes: ['notes:read'] };
    await expect(verify(idp, await idp.mint({ ...CLAIMS }, options))).resolves.toBeDefined();
    const forged = await idp.forge(kind, { ...CLAIMS }, options);
    const rejection = verify(idp, forged);
    await expect(rejection).rejects.toMatchObject(expectedRejection[kind]);
  });

  it('rejects wrong-typ by typ as well when the verifier checks typ', async () => {
    const forged = await idp.forge('wrong-typ', { ...CLAIMS });
    await expect(verify(idp, forged, { typ: 'at+jwt' })).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'typ',
    });
  });

  it('never lets a verifier fetch the jku URL', async () => {
    const jkuUrl = `${idp.issuer}/attacker-jwks`;
    const forged = await idp.forge('jku', { ...CLAIMS });
    expect(decodeProtectedHeader(forged).jku).toBe(jkuUrl);
    await expect(verify(idp, forged)).rejects.toThrow();
    expect(idp.requests.some((r) => r.path.startsWith('/attacker-jwks'))).toBe(false);
    // Sanity check of the assertion itself: a fetch of that URL would be recorded.
    await fetch(jkuUrl);
    expect(idp.requests.some((r) => r.path === '/attacker-jwks')).toBe(true);
  });

  it('rotates keys: new kid signs, old tokens verify until the old key is retired', async () => {
    const oldKid = idp.currentKid;
    const oldToken = await idp.mint({ ...CLAIMS });
    const newKid = await idp.rotate();
    expect(newKid).not.toBe(oldKid);
    expect(idp.currentKid).toBe(newKid);

    const newToken = await idp.mint({ ...CLAIMS });
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    await expect(verify(idp, newToken)).resolves.toBeDefined();
    await expect(verify(idp, oldToken)).resolves.toBeDefined();
    const { body } = await getJson(idp.jwksUri);
    expect((body.keys as { kid: string }[]).map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());

    idp.retire(oldKid);
    const after = await getJson(idp.jwksUri);
    expect((after.body.keys as { kid: string }[]).map((k) => k.kid)).toEqual([newKid]);
    await expect(verify(idp, oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify(idp, newToken)).resolves.toBeDefined();
  });
});

describe('forgeries carry exactly the intended defect', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await createTestIdp({ alg: 'ES256' });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('exposes every kind once in forgeryKinds', () => {
    expect(new Set(forgeryKinds).size).toBe(forgeryKinds.length);
    expect([...forgeryKinds].sort()).toEqual(Object.keys(expectedRejection).sort());
  });

  it('expired: exp one hour ago, iat one lifetime earlier; accepted by a verifier that ignores time', async () => {
    const token = await idp.forge('expired', { ...CLAIMS });
    const { exp, iat } = decodeJwt(token);
    expect(Math.abs((exp ?? 0) - (nowSec() - 3600))).toBeLessThanOrEqual(2);
    expect(iat).toBe((exp ?? 0) - 900);
    await expect(verify(idp, token, { clockTolerance: 7200 })).resolves.toBeDefined();
  });

  it('not-yet-valid: nbf one hour ahead; accepted by a verifier that ignores time', async () => {
    const token = await idp.forge('not-yet-valid', { ...CLAIMS });
    const { nbf, exp } = decodeJwt(token);
    expect(Math.abs((nbf ?? 0) - (nowSec() + 3600))).toBeLessThanOrEqual(2);
    expect(exp).toBeGreaterThan(nbf ?? 0);
    await expect(verify(idp, token, { clockTolerance: 7200 })).resolves.toBeDefined();
  });

  it('missing-exp: no exp, otherwise valid', async () => {
    const token = await idp.forge('missing-exp', { ...CLAIMS });
    expect(decodeJwt(token)).not.toHaveProperty('exp');
    await expect(verify(idp, token, { requiredClaims: [] })).resolves.toBeDefined();
  });

  it('wrong-audience: another resource (default and wrongAudience option)', async () => {
    const token = await idp.forge('wrong-audience', { ...CLAIMS });
    expect(decodeJwt(token).aud).toBe('another-resource');
    await expect(verify(idp, token, { audience: 'another-resource' })).resolves.toBeDefined();
    const custom = await idp.forge('wrong-audience', { ...CLAIMS }, { wrongAudience: ['x', 'y'] });
    expect(decodeJwt(custom).aud).toEqual(['x', 'y']);
  });

  it('wrong-issuer: attacker issuer, correctly signed', async () => {
    const token = await idp.forge('wrong-issuer', { ...CLAIMS });
    expect(decodeJwt(token).iss).toBe('https://attacker.example');
    await expect(verify(idp, token, { issuer: 'https://attacker.example' })).resolves.toBeDefined();
  });

  it('untrusted-key: reuses the real kid', async () => {
    const token = await idp.forge('untrusted-key', { ...CLAIMS });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: idp.currentKid, typ: 'at+jwt' });
  });

  it.each(['none', 'None', 'NONE', 'nOnE'] as const)('alg-none spelled %s: empty signature with trailing dot', async (spelling) => {
    const token = await idp.forge('alg-none', { ...CLAIMS }, { noneSpelling: spelling });
    expect(token.endsWith('.')).toBe(true);
    const [header, payload, signature] = segments(token);
    expect(decodeSegment(header)).toEqual({ alg: spelling, typ: 'at+jwt' });
    expect(decodeSegment(payload)).toMatchObject({ ...CLAIMS, iss: idp.issuer, aud: AUDIENCE });
    expect(signature).toBe('');
  });

  it('alg-none with keepSignature keeps a real signature segment', async () => {
    const token = await idp.forge('alg-none', { ...CLAIMS }, { keepSignature: true });
    const [header, , signature] = segments(token);
    expect(decodeSegment(header).alg).toBe('none');
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64); // ES256 r||s
    // Without keepSignature, jose's unsecured-JWT reader accepts it: it really is alg "none".
    const unsecured = await idp.forge('alg-none', { ...CLAIMS });
    expect(UnsecuredJWT.decode(unsecured, { issuer: idp.issuer, audience: AUDIENCE }).payload.sub).toBe('alice');
  });

  it('hs256-public-key: HMAC keyed with the SPKI PEM verifies under that secret', async () => {
    const token = await idp.forge('hs256-public-key', { ...CLAIMS });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: idp.currentKid });
    const pem = new TextEncoder().encode(await idp.publicKeyPem());
    const { payload } = await jwtVerify(token, pem, { issuer: idp.issuer, audience: AUDIENCE, algorithms: ['HS256'] });
    expect(payload.sub).toBe('alice');
  });

  it('hs256-common-secret: HMAC keyed with "secret", a custom secret, or an empty one', async () => {
    const token = await idp.forge('hs256-common-secret', { ...CLAIMS });
    await expect(
      jwtVerify(token, new TextEncoder().encode('secret'), { audience: AUDIENCE, algorithms: ['HS256'] }),
    ).resolves.toBeDefined();
    const custom = await idp.forge('hs256-common-secret', { ...CLAIMS }, { secret: 'changeme' });
    await expect(
      jwtVerify(custom, new TextEncoder().encode('changeme'), { audience: AUDIENCE, algorithms: ['HS256'] }),
    ).resolves.toBeDefined();
    const blank = await idp.forge('hs256-common-secret', { ...CLAIMS }, { secret: '' });
    const [h, p, s] = segments(blank);
    expect(decodeSegment(h).alg).toBe('HS256');
    expect(s).toBe(createHmac('sha256', '').update(`${h}.${p}`).digest('base64url'));
  });

  it('empty-signature: a real header and payload with the signature removed', async () => {
    const token = await idp.forge('empty-signature', { ...CLAIMS });
    const [header, payload, signature] = segments(token);
    expect(decodeSegment(header)).toEqual({ alg: 'ES256', kid: idp.currentKid, typ: 'at+jwt' });
    expect(decodeSegment(payload)).toMatchObject(CLAIMS);
    expect(signature).toBe('');
  });

  it('tampered-claims: the original signature is kept over the untampered payload', async () => {
    const token = await idp.forge('tampered-claims', { ...CLAIMS }, { tamper: { tenant: 'globex' } });
    const [header, payload, signature] = segments(token);
    const tampered = decodeSegment(payload);
    expect(tampered).toMatchObject({ sub: 'alice', tenant: 'globex' });
    // Restoring the original claim restores a token the IdP really signed.
    const original = Buffer.from(JSON.stringify({ ...tampered, tenant: 'acme' })).toString('base64url');
    await expect(verify(idp, `${header}.${original}.${signature}`)).resolves.toBeDefined();

    const byDefault = await idp.forge('tampered-claims', { ...CLAIMS });
    expect(decodeJwt(byDefault).sub).toBe('someone-else');
    await expect(idp.forge('tampered-claims', { ...CLAIMS }, { tamper: { sub: 'alice' } })).rejects.toThrow(
      /must change at least one claim/,
    );
  });

  it('embedded-jwk: self-signed with the attacker key carried in the jwk header', async () => {
    const token = await idp.forge('embedded-jwk', { ...CLAIMS });
    const header = decodeProtectedHeader(token);
    expect(header.kid).not.toBe(idp.currentKid);
    expect(header.jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(header.jwk).not.toHaveProperty('d');
    // A verifier that trusts the embedded key (CVE-2018-0114) would accept it.
    await expect(jwtVerify(token, EmbeddedJWK, { issuer: idp.issuer, audience: AUDIENCE })).resolves.toBeDefined();
  });

  it('jku: honours a custom jkuUrl and uses an attacker kid', async () => {
    const token = await idp.forge('jku', { ...CLAIMS }, { jkuUrl: 'http://127.0.0.1:1/keys' });
    const header = decodeProtectedHeader(token);
    expect(header.jku).toBe('http://127.0.0.1:1/keys');
    expect(header.kid).not.toBe(idp.currentKid);
  });

  it('wrong-typ: an ID token shape (typ JWT, client audience, azp, nonce)', async () => {
    const token = await idp.forge('wrong-typ', { ...CLAIMS });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ aud: 'test-client', azp: 'test-client' });
    expect(typeof claims.nonce).toBe('string');
    await expect(verify(idp, token, { audience: 'test-client' })).resolves.toBeDefined();
  });

  it('rejects an unknown kind with a clear error', async () => {
    await expect(idp.forge('bogus' as ForgeryKind, { ...CLAIMS })).rejects.toThrow(/Unknown forgery kind "bogus"/);
  });
});

describe('mint options', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await createTestIdp({ alg: 'EdDSA' });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('lets explicit claims win over defaults', async () => {
    const token = await idp.mint({ sub: 'a', aud: 'custom-aud', exp: nowSec() + 60, iss: 'https://other.example' });
    const payload: JWTPayload = decodeJwt(token);
    expect(payload.aud).toBe('custom-aud');
    expect(payload.iss).toBe('https://other.example');
    expect(payload.exp).toBeLessThanOrEqual(nowSec() + 60);
  });

  it('lets options override registered claims and header members', async () => {
    const iat = nowSec() - 10;
    const token = await idp.mint(
      { sub: 'a', aud: 'ignored', scope: 'ignored', iss: 'ignored' },
      {
        audience: [AUDIENCE, 'other'],
        expiresInSec: 60,
        scopes: ['a', 'b'],
        kid: 'custom-kid',
        typ: 'application/at+jwt',
        issuer: 'https://issuer.example',
        notBeforeSec: -5,
        issuedAtSec: iat,
      },
    );
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'custom-kid', typ: 'application/at+jwt' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ aud: [AUDIENCE, 'other'], scope: 'a b', iss: 'https://issuer.example', iat, exp: iat + 60 });
    expect(Math.abs((payload.nbf ?? 0) - (nowSec() - 5))).toBeLessThanOrEqual(2);
  });

  it('rejects non-finite numeric options with a clear error', async () => {
    await expect(idp.mint({}, { expiresInSec: Number.NaN })).rejects.toThrow(/expiresInSec must be a finite number/);
  });

  it('refuses to retire the current or an unknown key', () => {
    expect(() => {
      idp.retire(idp.currentKid);
    }).toThrow(/Cannot retire the current signing key/);
    expect(() => {
      idp.retire('no-such-kid');
    }).toThrow(/unknown key id "no-such-kid"/);
  });
});

describe('lifecycle', () => {
  const opened: TestIdp[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((idp) => idp.close()));
  });

  it('rejects an unsupported alg with a clear error', async () => {
    await expect(createTestIdp({ alg: 'HS256' as 'RS256' })).rejects.toThrow(/Unsupported TestIdp alg "HS256"/);
  });

  it('close() stops the server, even with a kept-alive connection, and is idempotent', async () => {
    const idp = await createTestIdp({ alg: 'ES256' });
    opened.push(idp);
    // A verifier holds a keep-alive connection after fetching the JWKS.
    await verify(idp, await idp.mint({ sub: 'a' }));
    expect((await fetch(idp.jwksUri)).status).toBe(200);
    await idp.close();
    await idp.close();
    await expect(fetch(idp.jwksUri)).rejects.toThrow();
    await expect(idp.mint({ sub: 'a' })).rejects.toThrow(/after close/);
  });

  it('close() also drops connections in the middle of a request', async () => {
    const idp = await createTestIdp();
    opened.push(idp);
    const { port } = new URL(idp.issuer);
    const socket = connect(Number(port), '127.0.0.1');
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => { resolve(); }));
    // Half a request: the connection is active, not idle, so server.close() alone would wait for it.
    socket.write('GET /jwks HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await sleep(50);
    const outcome = await Promise.race([idp.close().then(() => 'closed' as const), sleep(2000, 'timed out' as const)]);
    expect(outcome).toBe('closed');
    await socketClosed;
    expect(socket.destroyed).toBe(true);
  });

  it('gives each instance its own port and keys', async () => {
    const a = await createTestIdp();
    const b = await createTestIdp();
    opened.push(a, b);
    expect(a.issuer).not.toBe(b.issuer);
    await expect(verify(b, await a.mint({ sub: 'x' }), { issuer: a.issuer })).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });
});
