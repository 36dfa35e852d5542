import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const bin = fileURLToPath(new URL('../bin/mcify-audit.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ordersConfig = 'fixtures/servers/orders/mcify.config.ts';

const serveLine = z
  .object({
    url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/),
    tokens: z.record(z.string().min(20)),
    principals: z.record(z.object({ tenant: z.string(), scopes: z.array(z.string()) }).strict()),
  })
  .strict();

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function start(args: string[]): { process: ChildProcessWithoutNullStreams; stderr: () => string } {
  const started = spawn(process.execPath, [bin, ...args], { cwd: repoRoot });
  child = started;
  let stderr = '';
  started.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { process: started, stderr: () => stderr };
}

async function firstLine(started: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: started.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

const rpc = (url: string, token: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe('mcify-audit serve', () => {
  it('prints the contract line, answers with the printed tokens, and stops on SIGTERM within a second', async () => {
    const { process: server, stderr } = start(['serve', ordersConfig]);
    const line = serveLine.parse(JSON.parse(await firstLine(server)));
    expect(Object.keys(line.tokens).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(line.principals.alice).toEqual({ tenant: 'acme', scopes: ['orders:read', 'orders:write', 'orders:cancel', 'orders:refund', 'orders:export'] });
    expect(line.principals.dave).toEqual({ tenant: 'globex', scopes: ['orders:read'] });

    const listed = await rpc(line.url, line.tokens.alice ?? '', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'orders_list', arguments: {} } });
    expect(listed.status).toBe(200);
    expect(await listed.text()).toContain('ord_acme_1001');
    const crossTenant = await rpc(line.url, line.tokens.bob ?? '', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'orders_get', arguments: { orderId: 'ord_acme_1001' } } });
    expect(await crossTenant.text()).toContain('not found');
    expect((await rpc(line.url, 'forged', { jsonrpc: '2.0', id: 3, method: 'tools/list' })).status).toBe(401);

    const stopped = once(server, 'exit');
    const signalled = performance.now();
    server.kill('SIGTERM');
    // Stopped serving: the endpoint refuses connections within a second of the signal.
    await expect.poll(() => fetch(line.url).then(() => 'answering', () => 'closed'), { timeout: 1000, interval: 25 }).toBe('closed');
    expect(performance.now() - signalled).toBeLessThan(1000);
    // Then the process (its database closed) exits cleanly, with 0.
    const [code] = (await stopped) as [number | null];
    expect(code).toBe(0);
    expect(stderr()).not.toContain('mcify-audit: internal error');
  });

  it('honours --port and --host', async () => {
    const { process: server } = start(['serve', 'fixtures/servers/orders', '--port', '0', '--host', '127.0.0.1']);
    const line = serveLine.parse(JSON.parse(await firstLine(server)));
    expect(new URL(line.url).hostname).toBe('127.0.0.1');
    const stopped = once(server, 'exit');
    server.kill('SIGINT');
    expect(((await stopped) as [number | null])[0]).toBe(0);
  });

  it.each([
    [['serve'], /serve takes one CONFIG/],
    [['serve', ordersConfig, '--port', 'eighty'], /--port must be an integer/],
    [['serve', ordersConfig, '--colour'], /Unknown option '--colour'/],
    [['serve', 'no/such/config.ts'], /no\/such\/config\.ts: no such file or directory/],
    [['serve', 'packages'], /is a directory without mcify\.config\.ts/],
    [['serve', 'package.json'], /the default export is not a server defined with defineConfig \(version: Required\). Export the server as its default export/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exits 2 with a message that says what to do: %j', async (args, message) => {
    const { process: command, stderr } = start(args);
    const [code] = (await once(command, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr()).toMatch(message);
    expect(stderr()).not.toContain('mcify-audit: internal error');
  });
});
