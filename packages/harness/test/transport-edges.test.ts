/**
 * Two edges of the transport the properties rely on: the run's raw channel sends a header list as
 * separate lines (the two-Authorization-headers forgery), and a kept-alive connection the server closed
 * while idle is retried once on a fresh connection instead of failing the request.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeadline } from '../src/engine/budget.js';
import { createTraffic } from '../src/engine/run-context.js';
import { pinnedFetch } from '../src/target/pinned-fetch.js';
import { resolveTarget } from '../src/target/resolve-target.js';
import { plainTarget } from './plain-target.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      done((server.address() as AddressInfo).port);
    });
  });
}

describe('the run context raw channel', () => {
  it('sends a header list as separate lines, and records no credential', async () => {
    const seen: string[][] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.rawHeaders);
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    });
    const port = await listen(server);
    closers.push(() => new Promise((done) => server.close(() => { done(); })));
    const token = 'alice-real-token-0123456789abcdef';
    const target = await plainTarget(`http://127.0.0.1:${String(port)}/mcp`, { alice: token });
    closers.push(() => target.close());
    const traffic = createTraffic(target, { requestTimeoutMs: 5000 }, createDeadline(30_000));
    const exchange = await traffic.raw({
      principal: 'forged: two-headers',
      label: 'auth 2 two Authorization headers',
      headers: {},
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      headerList: [
        ['content-type', 'application/json'],
        ['authorization', `Bearer ${token}`],
        ['authorization', 'Bearer second-credential-0123456789'],
      ],
    });
    const lines = seen.at(-1) ?? [];
    const authorization = lines.filter((_value, index) => index % 2 === 1 && lines[index - 1]?.toLowerCase() === 'authorization');
    expect(authorization).toEqual([`Bearer ${token}`, 'Bearer second-credential-0123456789']);
    expect(JSON.stringify(exchange)).not.toContain(token);
  });
});

describe('pinnedFetch on a kept-alive connection the server dropped', () => {
  /** A raw HTTP server that answers the first request of each connection and resets the connection on the next one. */
  async function resettingServer(): Promise<{ port: number; connections: () => number }> {
    let connections = 0;
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      connections += 1;
      sockets.add(socket);
      let requests = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          requests += 1;
          if (requests > 1) {
            socket.resetAndDestroy();
            return;
          }
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}');
        }
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(server);
    closers.push(
      () =>
        new Promise((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => {
            done();
          });
        }),
    );
    return { port, connections: () => connections };
  }

  it('sends the request again on a fresh connection, once, and answers', async () => {
    const { port, connections } = await resettingServer();
    const fetch = pinnedFetch(await resolveTarget(`http://127.0.0.1:${String(port)}/mcp`));
    closers.push(() => {
      fetch.close();
      return Promise.resolve();
    });
    const first = await fetch(`http://127.0.0.1:${String(port)}/mcp`, { method: 'GET' });
    expect(await first.json()).toEqual({ ok: true });
    // The second request goes out on the kept-alive socket, which the server resets before answering.
    const second = await fetch(`http://127.0.0.1:${String(port)}/mcp`, { method: 'GET' });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ ok: true });
    expect(connections()).toBe(2);
  });

  it('still fails a request whose fresh connection is reset: that is the server, not a stale socket', async () => {
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {
        socket.resetAndDestroy();
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(server);
    closers.push(() => new Promise((done) => { for (const socket of sockets) socket.destroy(); server.close(() => { done(); }); }));
    const fetch = pinnedFetch(await resolveTarget(`http://127.0.0.1:${String(port)}/mcp`));
    closers.push(() => {
      fetch.close();
      return Promise.resolve();
    });
    await expect(fetch(`http://127.0.0.1:${String(port)}/mcp`, { method: 'GET' })).rejects.toThrow(/ECONNRESET|socket hang up/);
  });
});
