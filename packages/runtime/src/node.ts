import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHostname, type McifyConfig } from '@mcify-audit/reference-core';
import { getRequestListener } from '@hono/node-server';
import { createHttpHandler, type HttpHandlerOptions } from './http-handler.js';

export interface ServeNodeOptions extends HttpHandlerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
}

/** A running server. */
export interface RunningServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:54321/mcp`. */
  readonly url: string;
  /** Stops accepting connections, ends open ones, and resolves when the server is closed. */
  close(): Promise<void>;
}

/**
 * Serves a config on Node's HTTP server. On a loopback interface, requests must name a loopback
 * `Host` (DNS rebinding protection) unless `allowedHosts` says otherwise.
 *
 * @example
 * ```ts
 * const server = await serveNode(config, { port: 0 });
 * console.log(server.url); // http://127.0.0.1:54321/mcp
 * await server.close();
 * ```
 */
export async function serveNode(config: McifyConfig, options: ServeNodeOptions = {}): Promise<RunningServer> {
  const { port = 0, hostname = '127.0.0.1', ...handlerOptions } = options;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  const loopbackHosts = isLoopbackHostname(host) ? [`${host}:${bound}`, `localhost:${bound}`, `127.0.0.1:${bound}`, `[::1]:${bound}`] : undefined;
  const allowedHosts = handlerOptions.allowedHosts ?? loopbackHosts;
  const handle = createHttpHandler(config, { ...handlerOptions, ...(allowedHosts === undefined ? {} : { allowedHosts }) });
  const listener = getRequestListener(handle);
  server.on('request', (request, response) => {
    void listener(request, response);
  });
  const path = options.path ?? '/mcp';
  return {
    url: `http://${host}:${bound}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
