import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blackBoxPrincipals,
  isLoopbackAddress,
  parseTokenSpec,
  pinnedFetch,
  RequestTimeoutError,
  resolveTarget,
  Secret,
  TargetError,
  TokenSpecError,
  type ResolvedTarget,
  type TokenSpec,
} from '@mcify-audit/harness';

/** Token values no message, JSON or inspected object may contain. */
const ALICE = 'eyJhbGciOiJFUzI1NiJ9.alice-SECRET-value-1234567890';
const BOB = 'bob-SECRET-value-abcdefghijklmnop';
const CAROL = 'carol-SECRET-value-0987654321zyxw';
const SECRETS = [ALICE, BOB, CAROL];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 16));
  }
}

/** The error `fn` throws, checked to be `type` and to carry no token. */
function thrown<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  const error = caught as T;
  expectNoSecret(error.message);
  expectNoSecret(inspect(error));
  return error;
}

async function rejected<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

let dir: string;
const env = { ALICE_TOKEN: ALICE, EMPTY_TOKEN: '   ', PADDED: `  ${BOB}\n` };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcify-black-box-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(join(dir, 'tokens/bob.txt'), `${BOB}\n`);
  writeFileSync(join(dir, 'tokens/empty.txt'), '\n');
  writeFileSync(join(dir, 'tokens/two-lines.txt'), `${BOB}\n${CAROL}\n`);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const parse = (text: string): TokenSpec => parseTokenSpec(text, { env, cwd: dir });

describe('parseTokenSpec: accepted forms', () => {
  it('reads NAME@TENANT[scopes]=env:VAR from the environment', () => {
    const spec = parse('alice@acme[orders:read,orders:refund]=env:ALICE_TOKEN');
    expect(spec).toMatchObject({ name: 'alice', tenant: 'acme', scopes: ['orders:read', 'orders:refund'], source: { kind: 'env', variable: 'ALICE_TOKEN' } });
    expect(spec.token.reveal()).toBe(ALICE);
  });

  it('reads NAME=@FILE relative to cwd, trimmed', () => {
    const spec = parse('bob=@tokens/bob.txt');
    expect(spec).toMatchObject({ name: 'bob', tenant: undefined, scopes: undefined, source: { kind: 'file', path: join(dir, 'tokens/bob.txt') } });
    expect(spec.token.reveal()).toBe(BOB);
  });

  it('takes NAME@TENANT=TOKEN literally, = signs in the token included', () => {
    const spec = parse(`carol@acme=${CAROL}==`);
    expect(spec).toMatchObject({ name: 'carol', tenant: 'acme', scopes: undefined, source: { kind: 'literal' } });
    expect(spec.token.reveal()).toBe(`${CAROL}==`);
  });

  it('trims an environment value and reads NAME[scopes] without a tenant; [] is no scopes; duplicates collapse', () => {
    expect(parse('bob.x_1-2[]=env:PADDED')).toMatchObject({ name: 'bob.x_1-2', tenant: undefined, scopes: [] });
    expect(parse('bob.x_1-2[]=env:PADDED').token.reveal()).toBe(BOB);
    expect(parse('d[a:b, a:b,https://api.example/.default]=x').scopes).toEqual(['a:b', 'https://api.example/.default']);
  });

  it('accepts 64-character names and tenants', () => {
    const long = 'a'.repeat(64);
    expect(parse(`${long}@${long}=x`)).toMatchObject({ name: long, tenant: long });
  });

  it('reads process.env and process.cwd() by default', () => {
    process.env.MCIFY_BLACK_BOX_TEST_TOKEN = CAROL;
    try {
      expect(parseTokenSpec('carol=env:MCIFY_BLACK_BOX_TEST_TOKEN').token.reveal()).toBe(CAROL);
    } finally {
      delete process.env.MCIFY_BLACK_BOX_TEST_TOKEN;
    }
  });
});

describe('parseTokenSpec: refused forms say what to type and never echo the token', () => {
  it.each([
    ['no = at all (a bare token)', ALICE, /needs a name and a token: NAME\[@TENANT\]\[scope,\.\.\.\]=TOKEN/],
    ['an empty name', `=${ALICE}`, /principal's name must be 1-64 characters/],
    ['a 65-character name', `${'a'.repeat(65)}=${ALICE}`, /principal's name must be 1-64 characters/],
    ['a name with a space', `al ice=${ALICE}`, /principal's name must be 1-64 characters/],
    ['an empty tenant', `alice@=${ALICE}`, /tenant after @ must be 1-64/],
    ['a tenant with a slash', `alice@ac/me=${ALICE}`, /tenant after @ must be 1-64/],
    ['two @', `alice@acme@x=${ALICE}`, /must read NAME, NAME@TENANT/],
    ['an unclosed scope list', `alice[orders:read=${ALICE}`, /must read NAME, NAME@TENANT/],
    ['scopes before the tenant', `alice[a]@acme=${ALICE}`, /must read NAME, NAME@TENANT/],
    ['an empty scope in the list', `alice[a,,b]=${ALICE}`, /each scope in \[\.\.\.\]/],
    ['a scope with a quote', `alice["a"]=${ALICE}`, /each scope in \[\.\.\.\]/],
    ['nothing after =', 'alice=', /alice's token is missing after =; give env:VAR, @FILE or the token itself/],
    ['a Bearer prefix', `alice=Bearer ${ALICE}`, /without the "Bearer " prefix/],
    ['a space inside', `alice=${ALICE} ${BOB}`, /contains a space, line break or control character/],
    ['a non-ASCII character', `alice=${ALICE}é`, /outside printable ASCII/],
    ['env: with no variable', 'alice=env:', /env:VAR with VAR an environment variable's name/],
    ['env: with a bad variable name', 'alice=env:1ABC', /env:VAR with VAR/],
  ])('refuses %s', (_what, text, message) => {
    const error = thrown(() => parse(text), TokenSpecError);
    expect(error.message).toMatch(message);
  });

  it('names a missing or empty environment variable', () => {
    expect(thrown(() => parse('alice=env:NOT_SET_ANYWHERE'), TokenSpecError).message).toBe(
      '--token: alice\'s token is read from the environment variable NOT_SET_ANYWHERE, which is not set or empty; export NOT_SET_ANYWHERE=<token> first.',
    );
    expect(thrown(() => parse('alice=env:EMPTY_TOKEN'), TokenSpecError).message).toContain('EMPTY_TOKEN, which is not set or empty');
  });

  it('names a missing, empty or unreadable file, and a file of two lines without echoing it', () => {
    expect(thrown(() => parse('bob=@tokens/nope.txt'), TokenSpecError).message).toBe("--token: bob's token is read from the file tokens/nope.txt, which does not exist.");
    expect(thrown(() => parse('bob=@tokens/empty.txt'), TokenSpecError).message).toContain('tokens/empty.txt, which is empty');
    expect(thrown(() => parse('bob=@tokens'), TokenSpecError).message).toContain('tokens, which is a folder');
    expect(thrown(() => parse('bob=@'), TokenSpecError).message).toContain('@FILE with FILE the path');
    expect(thrown(() => parse('bob=@tokens/two-lines.txt'), TokenSpecError).message).toContain('contains a space, line break');
  });
});

describe('Secret', () => {
  it('shows its label to String, templates, JSON and util.inspect, and the value only to reveal()', () => {
    const spec = parse(`alice@acme[orders:read]=${ALICE}`);
    expect(String(spec.token)).toBe("alice's token");
    expect([spec.token].join("")).toBe("alice's token");
    expect(`${String(spec.token)}!`).toBe("alice's token!");
    expect(JSON.stringify(spec)).toContain('"token":"alice\'s token"');
    for (const shown of [JSON.stringify(spec), inspect(spec), inspect(spec, { showHidden: true, depth: 10 }), inspect(spec.token, { customInspect: false, showHidden: true }), String(spec.token)]) {
      expectNoSecret(shown);
    }
    expect(inspect(spec.token)).toBe("Secret(alice's token)");
    expect(Object.keys(spec.token)).toEqual(['label']);
    expect(spec.token.reveal()).toBe(ALICE);
  });

  it('is a class others can construct', () => {
    const secret = new Secret('a key', CAROL);
    expect(String(secret)).toBe('a key');
    expectNoSecret(inspect({ nested: { secret } }, { depth: 10 }));
  });
});

describe('blackBoxPrincipals', () => {
  it('accepts two principals without @TENANT: each is in its own tenant', () => {
    const principals = blackBoxPrincipals([parse(`alice=${ALICE}`), parse('bob=@tokens/bob.txt')]);
    expect(principals.map(({ name, tenant, tenantGiven }) => ({ name, tenant, tenantGiven }))).toEqual([
      { name: 'alice', tenant: 'alice', tenantGiven: false },
      { name: 'bob', tenant: 'bob', tenantGiven: false },
    ]);
    expect(principals[0]?.token.reveal()).toBe(ALICE);
  });

  it('accepts two tenants with two users in one', () => {
    const principals = blackBoxPrincipals([parse(`alice@acme[orders:read]=${ALICE}`), parse(`carol@acme=${CAROL}`), parse('bob@globex=@tokens/bob.txt')]);
    expect(principals.map((p) => [p.name, p.tenant, p.scopes])).toEqual([
      ['alice', 'acme', ['orders:read']],
      ['carol', 'acme', undefined],
      ['bob', 'globex', undefined],
    ]);
  });

  it.each([
    ['no principal', [], /needs principals in at least two tenants.*no --token was given/],
    ['one principal', [`alice=${ALICE}`], /at least two tenants.*only one --token was given/],
    ['two principals of one tenant', [`alice@acme=${ALICE}`, `carol@acme=${CAROL}`], /at least two tenants.*all 2 principals are in tenant acme/],
    ['two principals with one name', [`alice@acme=${ALICE}`, `alice@globex=${BOB}`], /two tokens are named alice/],
    ['two principals with one token', [`alice@acme=${ALICE}`, `bob@globex=${ALICE}`], /alice and bob have the same token/],
    ['a tenant named after a principal without one', [`bob=${BOB}`, `alice@bob=${ALICE}`, `carol=${CAROL}`], /alice@bob names tenant bob, but bob \(without @TENANT\) has a tenant of its own/],
  ])('refuses %s, saying why', (_what, texts, message) => {
    const specs = texts.map((text) => parse(text));
    const error = thrown(() => blackBoxPrincipals(specs), TokenSpecError);
    expect(error.message).toMatch(message);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:2'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(['192.0.2.1', '10.0.0.1', '0.0.0.0', '::', '::ffff:192.0.2.1', 'fe80::1', '128.0.0.1', 'localhost', '[::1]', '127.0.0', ''])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

/** A lookup that must not be called. */
const noLookup = (): Promise<never> => Promise.reject(new Error('looked up'));

describe('resolveTarget', () => {
  it('resolves localhost with dns.lookup to a loopback address', async () => {
    const target = await resolveTarget('http://localhost:8080/mcp');
    expect(target).toMatchObject({ hostname: 'localhost', port: 8080, loopback: true });
    expect(isLoopbackAddress(target.address)).toBe(true);
    expect(target.addresses).toContain(target.address);
  });

  it('takes loopback literals as they are, without a lookup', async () => {
    expect(await resolveTarget('http://127.0.0.2:3000/mcp', { lookup: noLookup })).toMatchObject({ address: '127.0.0.2', family: 4, port: 3000, loopback: true });
    expect(await resolveTarget('https://[::1]/mcp?x=1#frag', { lookup: noLookup })).toMatchObject({ hostname: '::1', address: '::1', family: 6, port: 443, loopback: true });
    expect((await resolveTarget('https://[::1]/mcp#frag', { lookup: noLookup })).url.href).toBe('https://[::1]/mcp');
    expect(await resolveTarget('http://[::ffff:127.0.0.1]/', { lookup: noLookup })).toMatchObject({ address: '::ffff:7f00:1', loopback: true });
  });

  it('refuses a remote literal, without a lookup, naming the flag', async () => {
    const error = await rejected(resolveTarget('http://192.0.2.1/mcp', { lookup: noLookup }), TargetError);
    expect(error.message).toContain('192.0.2.1 is not a loopback address');
    expect(error.message).toContain('--allow-remote 192.0.2.1');
    expect(await rejected(resolveTarget('http://192.0.2.1/mcp', { lookup: noLookup, allowRemote: ['192.0.2.2', 'example.com'] }), TargetError)).toBeInstanceOf(TargetError);
  });

  it('accepts a remote literal with --allow-remote equal to its host, and sends nothing', async () => {
    expect(await resolveTarget('http://192.0.2.1:8080/mcp', { lookup: noLookup, allowRemote: ['192.0.2.1'] })).toMatchObject({ address: '192.0.2.1', loopback: false });
    expect(await resolveTarget('http://[2001:db8::1]/mcp', { lookup: noLookup, allowRemote: ['2001:db8::1'] })).toMatchObject({ address: '2001:db8::1', loopback: false });
  });

  it('refuses a name that resolves outside loopback, even in part, unless --allow-remote names it', async () => {
    const lookup = (hostname: string) => Promise.resolve(hostname === 'mcp.example.test' ? [{ address: '127.0.0.1', family: 4 }, { address: '192.0.2.7', family: 4 }] : []);
    const error = await rejected(resolveTarget('https://MCP.example.test/mcp', { lookup }), TargetError);
    expect(error.message).toContain('mcp.example.test resolves to 192.0.2.7, outside loopback');
    expect(error.message).toContain('--allow-remote mcp.example.test');
    expect(await rejected(resolveTarget('https://mcp.example.test/mcp', { lookup, allowRemote: ['example.test', '192.0.2.7'] }), TargetError)).toBeInstanceOf(TargetError);
    expect(await resolveTarget('https://mcp.example.test/mcp', { lookup, allowRemote: ['MCP.example.test'] })).toMatchObject({ address: '127.0.0.1', addresses: ['127.0.0.1', '192.0.2.7'], loopback: false });
    expect((await rejected(resolveTarget('https://nowhere.example.test/mcp', { lookup }), TargetError)).message).toContain('resolved to no address');
  });

  it('accepts a name that resolves to loopback only, without --allow-remote', async () => {
    const lookup = () => Promise.resolve([{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]);
    expect(await resolveTarget('http://mcp.example.test:9/mcp', { lookup })).toMatchObject({ hostname: 'mcp.example.test', address: '::1', family: 6, loopback: true });
  });

  it('reports a failed lookup', async () => {
    const lookup = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    expect((await rejected(resolveTarget('http://missing.example.test/mcp', { lookup }), TargetError)).message).toBe(
      "--url: cannot resolve missing.example.test (ENOTFOUND); check the host name, or give the server's address.",
    );
  });

  it.each([
    ['no scheme', 'localhost:8080/mcp', /give the full URL with its scheme, e\.g\. --url http:\/\/localhost:8080\/mcp/],
    ['not a URL', 'http://exa mple/mcp', /not a URL/],
    ['another scheme', 'ftp://localhost/mcp', /only http: and https:/],
    ['no path', 'http://localhost:8080', /give the MCP endpoint's path too, e\.g\. http:\/\/localhost:8080\/mcp/],
    ['no path before a query', 'http://localhost:8080?x=1', /endpoint's path too/],
  ])('refuses %s', async (_what, url, message) => {
    expect((await rejected(resolveTarget(url, { lookup: noLookup }), TargetError)).message).toMatch(message);
  });

  it('refuses credentials in the URL without echoing them', async () => {
    for (const url of [`http://alice:${ALICE}@localhost/mcp`, `http://${BOB}@localhost/mcp`]) {
      const error = await rejected(resolveTarget(url, { lookup: noLookup }), TargetError);
      expect(error.message).toContain('carries credentials');
      expectNoSecret(error.message);
    }
  });

  it('accepts an explicit root path', async () => {
    expect((await resolveTarget('http://127.0.0.1:8080/', { lookup: noLookup })).url.pathname).toBe('/');
  });
});

describe('pinnedFetch against a loopback server', () => {
  let server: Server;
  let port: number;
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string; local: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, local: req.socket.localAddress ?? '' });
        if (req.url === '/redirect') {
          res.writeHead(302, { location: 'http://192.0.2.1/elsewhere' }).end();
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2000).unref();
        } else if (req.url === '/stall') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: first\n\n');
        } else if (req.url === '/empty') {
          res.writeHead(204).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] }).end(JSON.stringify({ ok: true, path: req.url }));
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => { done(); }));
  });

  /** A target whose name no DNS knows, pinned to the test server: reaching it proves the pin. */
  async function pinned(): Promise<ResolvedTarget> {
    return resolveTarget(`http://mcp.example.test:${port}/mcp`, { lookup: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
  }

  it('sends to the resolved address with the URL host in Host, method, headers and body intact', async () => {
    const fetch = pinnedFetch(await pinned());
    try {
      const res = await fetch(`http://mcp.example.test:${port}/mcp?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: '{"a":1}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-multi')).toBe('a, b');
      expect(res.url).toBe(`http://mcp.example.test:${port}/mcp?x=1`);
      expect(await res.json()).toEqual({ ok: true, path: '/mcp?x=1' });
      const last = seen.at(-1);
      expect(last).toMatchObject({ method: 'POST', url: '/mcp?x=1', body: '{"a":1}', local: '127.0.0.1' });
      expect(last?.headers).toMatchObject({ host: `mcp.example.test:${port}`, 'content-type': 'application/json', authorization: 'Bearer t', 'content-length': '7' });
      const empty = await fetch(new Request(`http://mcp.example.test:${port}/empty`));
      expect(empty.status).toBe(204);
      expect(empty.body).toBeNull();
    } finally {
      fetch.close();
    }
  });

  it('returns a redirect as it is and does not follow it, even when asked to', async () => {
    const fetch = pinnedFetch(await pinned());
    try {
      const before = seen.length;
      const res = await fetch(`http://mcp.example.test:${port}/redirect`, { redirect: 'follow' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('http://192.0.2.1/elsewhere');
      expect(res.redirected).toBe(false);
      expect(seen.length).toBe(before + 1);
    } finally {
      fetch.close();
    }
  });

  it('refuses a URL of another origin, unsent', async () => {
    const fetch = pinnedFetch(await pinned());
    try {
      const before = seen.length;
      for (const url of ['http://192.0.2.1/mcp', `https://mcp.example.test:${port}/mcp`, `http://mcp.example.test:${port + 1}/mcp`, `http://127.0.0.1:${port}/mcp`]) {
        expect((await rejected(fetch(url), TargetError)).message).toContain('the harness sends only to the target');
      }
      expect(seen.length).toBe(before);
    } finally {
      fetch.close();
    }
  });

  it('times out a slow answer with a clear error', async () => {
    const fetch = pinnedFetch(await pinned(), { timeoutMs: 200 });
    try {
      const started = Date.now();
      const error = await rejected(fetch(`http://mcp.example.test:${port}/slow`, { headers: { authorization: `Bearer ${ALICE}` } }), RequestTimeoutError);
      expect(error.message).toBe(`GET http://mcp.example.test:${port}/slow: no answer within 0.2 s.`);
      expectNoSecret(inspect(error));
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      fetch.close();
    }
  });

  it('times out an answer whose body stalls', async () => {
    const fetch = pinnedFetch(await pinned(), { timeoutMs: 200 });
    try {
      const res = await fetch(`http://mcp.example.test:${port}/stall`);
      expect(res.status).toBe(200);
      const error = await rejected(res.text(), RequestTimeoutError);
      expect(error.message).toContain('/stall: the answer stalled for 0.2 s.');
    } finally {
      fetch.close();
    }
  });

  it('honours an abort signal', async () => {
    const fetch = pinnedFetch(await pinned());
    try {
      const controller = new AbortController();
      const pending = fetch(`http://mcp.example.test:${port}/slow`, { signal: controller.signal });
      setTimeout(() => { controller.abort(); }, 50);
      const error = await pending.then(() => undefined, (reason: unknown) => reason);
      expect(error).toMatchObject({ name: 'AbortError' });
    } finally {
      fetch.close();
    }
  });

  it('for https, connects to the resolved address with the URL host as TLS server name', async () => {
    // A bare TCP server on 127.0.0.1: the ClientHello it receives carries the server name in clear.
    let hello: Buffer | undefined;
    const tcp = createTcpServer((socket) => {
      socket.once('data', (chunk) => {
        hello = chunk;
        socket.destroy();
      });
    });
    await new Promise<void>((done) => tcp.listen(0, '127.0.0.1', done));
    try {
      const tlsPort = (tcp.address() as AddressInfo).port;
      const target = await resolveTarget(`https://mcp.example.test:${tlsPort}/mcp`, { lookup: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
      const fetch = pinnedFetch(target);
      try {
        await expect(fetch(`https://mcp.example.test:${tlsPort}/mcp`)).rejects.toThrow();
      } finally {
        fetch.close();
      }
      expect(hello?.[0]).toBe(0x16); // a TLS handshake record
      expect(hello?.includes(Buffer.from('mcp.example.test'))).toBe(true);
    } finally {
      await new Promise<void>((done) => tcp.close(() => { done(); }));
    }
  });
});
