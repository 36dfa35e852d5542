/**
 * The sessions property: on a stateful server built on the official SDK whose sessions stand in for
 * tokens (a planted flaw), the session id with no credential or B's token is caught; on the same server
 * done right, and on the stateless fixtures, nothing is reported.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ordersConfig, { mcifyAudit as ordersHook } from '../../../fixtures/servers/orders/mcify.config.js';
import { harvestAll } from '../src/engine/harvest.js';
import { runFuzz } from '../src/engine/run-fuzz.js';
import { createSessionsProperty, sessionPair } from '../src/properties/sessions.js';
import { blackBoxTarget } from '../src/target/black-box.js';
import { parseTokenSpec } from '../src/target/token-spec.js';
import { bootTarget, runProperty, type TestRun } from './auth-support.js';

const tokens = { alice: 'tok-alice-7f3a9c2e41d8b605', bob: 'tok-bob-2c9e7a1f53b4d680' } as const;
const notes: Record<string, { id: string; text: string }[]> = {
  alice: [{ id: 'note_acme_1001', text: 'acme launch plan q3' }],
  bob: [{ id: 'note_globex_2001', text: 'globex budget 2027' }],
};

/** A stateful MCP server: `flawed` trusts the session id alone after initialize, `correct` checks the token on every request against the session's owner. */
async function statefulServer(mode: 'flawed' | 'correct'): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, { owner: string; transport: StreamableHTTPServerTransport }>();
  const ownerOf = (req: IncomingMessage): string | undefined => {
    const header = req.headers.authorization ?? '';
    return Object.entries(tokens).find(([, token]) => header === `Bearer ${token}`)?.[0];
  };
  const refuse = (res: ServerResponse, status: number) => {
    res.writeHead(status, status === 401 ? { 'www-authenticate': 'Bearer realm="notes"', 'content-type': 'application/json' } : { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: status === 401 ? 'Unauthorized' : 'Bad session' }, id: null }));
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const sessionId = req.headers['mcp-session-id'];
      const caller = ownerOf(req);
      if (typeof sessionId === 'string') {
        const session = sessions.get(sessionId);
        // PLANTED (flawed): the session id is trusted alone; correct: the token must be the session owner's.
        const status = session === undefined ? 404 : mode === 'correct' && caller === undefined ? 401 : mode === 'correct' && caller !== session.owner ? 403 : undefined;
        if (session === undefined || status !== undefined) {
          refuse(res, status ?? 404);
          return;
        }
        await session.transport.handleRequest(req, res, body);
        return;
      }
      if (caller === undefined) {
        refuse(res, 401);
        return;
      }
      const mcp = new McpServer({ name: 'notes', version: '1.0.0' });
      mcp.registerTool('notes_list', { description: 'Your notes.', annotations: { readOnlyHint: true } }, () => {
        const mine = notes[caller] ?? [];
        return { content: [{ type: 'text', text: JSON.stringify({ notes: mine }) }], structuredContent: { notes: mine } };
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => {
          sessions.set(id, { owner: caller, transport });
        },
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) refuse(res, 400);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions.values()) void session.transport.close();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function fuzzSessions(url: string) {
  const target = await blackBoxTarget({ url, tokens: [parseTokenSpec(`alice@acme=${tokens.alice}`), parseTokenSpec(`bob@globex=${tokens.bob}`)] });
  try {
    return await runFuzz(target, { runs: 10, seed: 5, timeoutMs: 20_000 }, { engine: { properties: [createSessionsProperty()], harvest: (ctx) => harvestAll(ctx) } });
  } finally {
    await target.close();
  }
}

describe('sessions on a stateful server whose session ids stand in for tokens', () => {
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await statefulServer('flawed');
  });
  afterAll(async () => {
    await server.close();
  });

  it("reports the session accepted without a credential, and bob's call run in alice's session", async () => {
    const result = await fuzzSessions(server.url);
    const findings = result.findings.map((finding) => [finding.ruleId, finding.tool, finding.principal, finding.victim]).sort();
    // One tool, and it ran bob's call in alice's session: the flaw is target-wide.
    expect(findings).toEqual([
      ['harness/cross-tenant-read', null, 'bob', 'alice'],
      ['harness/forged-token-accepted', null, "no credential with alice's session", 'alice'],
    ]);
    expect(result.findings.find((finding) => finding.ruleId === 'harness/forged-token-accepted')?.message).toContain('with no credential and with a forged credential');
    const read = result.findings.find((finding) => finding.ruleId === 'harness/cross-tenant-read');
    expect(read?.confidence).toBe('high');
    expect(read?.message).toContain('note_acme_1001');
    const text = JSON.stringify(result);
    expect(text).not.toContain(tokens.alice);
    expect(text).not.toContain(tokens.bob);
  }, 30_000);
});

describe('sessions on the same server done right', () => {
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await statefulServer('correct');
  });
  afterAll(async () => {
    await server.close();
  });

  it('finds nothing, and every cell held', async () => {
    const result = await fuzzSessions(server.url);
    expect(result.findings).toEqual([]);
    expect(result.cells.filter((cell) => cell.property === 'sessions').map((cell) => [cell.tool, cell.status])).toEqual([
      [null, 'held'],
      ['notes_list', 'held'],
    ]);
  }, 30_000);
});

describe('sessions on a stateless fixture', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await bootTarget(ordersConfig, ordersHook);
  }, 30_000);
  afterAll(async () => {
    await run.close();
  });

  it('plans every cell not applicable when no session id was issued', () => {
    const ctx = run.context();
    const property = createSessionsProperty();
    const planned = property.plan({ target: run.target, options: ctx.options, tools: run.tools, mayCall: () => true, isSensitive: () => false, sessionIssued: false });
    expect(planned.every((cell) => !cell.applicable && cell.reason === 'stateless: the server issues no Mcp-Session-Id')).toBe(true);
    expect(planned).toHaveLength(run.tools.length + 1);
  });

  it('says stateless at run time too when the plan did not know', async () => {
    const ctx = run.context();
    const cells = await runProperty(createSessionsProperty(), ctx);
    const ran = cells.filter((cell) => cell.status !== 'not-applicable');
    expect(ran.map((cell) => cell.tool)).toEqual([null, 'profile_get', 'orders_list', 'orders_get', 'orders_export']);
    expect(ran.every((cell) => cell.status === 'not-exercised' && cell.reason === 'stateless: the server issues no Mcp-Session-Id')).toBe(true);
    expect(cells.find((cell) => cell.tool === 'orders_refund')?.reason).toBe("not a read tool: only reads are sent through another principal's session");
    expect(ctx.findings).toEqual([]);
  });

  it('pairs principals of different tenants', () => {
    expect(sessionPair(run.target.principals)).toMatchObject({ a: { name: 'alice' }, b: { name: 'bob' } });
  });
});
