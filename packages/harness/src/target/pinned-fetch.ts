import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { TargetError, type ResolvedTarget } from './resolve-target.js';

/** A request to the target got no answer, or its answer stalled, for longer than the per-request timeout. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/** A reused kept-alive connection was already closed by the server: nothing was answered. */
class StaleConnectionError extends Error {
  override readonly name = 'StaleConnectionError';
}

export interface PinnedFetchOptions {
  /** Longest wait for the answer's status and headers, and longest pause inside its body, in ms (default 10 000). */
  timeoutMs?: number;
}

/** A `fetch` bound to one resolved target. */
export interface PinnedFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly target: ResolvedTarget;
  /** Closes the kept-alive connections. */
  close(): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the harness's traffic to one target: every request is sent to the address
 * {@link resolveTarget} found (the `Host` header and, for https, the TLS server name stay the URL's
 * host), so DNS is never asked again; redirects are never followed (a 3xx comes back as it is,
 * whatever `init.redirect` says); and each request times out after `timeoutMs` without an answer, or
 * when its body pauses that long. A URL of another origin than the target's is refused unsent.
 *
 * Built on `node:http`/`node:https`: Node 20's global fetch cannot be given a pinned address without
 * importing `undici`.
 *
 * @example
 * ```ts
 * const fetch = pinnedFetch(await resolveTarget('http://localhost:8080/mcp'));
 * const res = await fetch('http://localhost:8080/mcp', { method: 'POST', headers, body });
 * fetch.close();
 * ```
 */
export function pinnedFetch(target: ResolvedTarget, options: PinnedFetchOptions = {}): PinnedFetch {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const https = target.url.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });

  const send = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== target.url.origin || url.username !== '' || url.password !== '') {
      throw new TargetError(`Refusing to send to ${url.origin}: the harness sends only to the target, ${target.url.origin}.`);
    }
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = { accept: '*/*', ...Object.fromEntries(request.headers), host: url.host };
    if (body !== undefined) headers['content-length'] = String(body.length);
    const requestOptions: RequestOptions & { servername?: string } = {
      agent,
      host: target.address,
      family: target.family,
      port: target.port,
      method: request.method,
      path: url.pathname + url.search,
      headers,
    };
    if (https && isIP(target.hostname) === 0) requestOptions.servername = target.hostname;
    const where = `${request.method} ${url.origin}${url.pathname}`;
    try {
      return await exchange(https, requestOptions, body, request.signal, timeoutMs, where, url.href);
    } catch (error) {
      // A kept-alive connection the server closed while it sat idle fails on reuse before any answer
      // (Node's documented race): the request never reached the server, so it is sent once more, fresh.
      if (!(error instanceof StaleConnectionError)) throw error;
      return exchange(https, { ...requestOptions, agent: false }, body, request.signal, timeoutMs, where, url.href);
    }
  };
  return Object.assign(send, { target, close: () => { agent.destroy(); } });
}

function exchange(
  https: boolean,
  options: RequestOptions,
  body: Buffer | undefined,
  signal: AbortSignal,
  timeoutMs: number,
  where: string,
  href: string,
): Promise<Response> {
  return new Promise<Response>((resolveResponse, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    let res: IncomingMessage | undefined;
    let settled = false;
    const req: ClientRequest = (https ? httpsRequest : httpRequest)(options, (message) => {
      res = message;
      clearTimeout(headTimer);
      settled = true;
      try {
        resolveResponse(toResponse(message, options.method === 'HEAD', timeoutMs, where, href, () => { signal.removeEventListener('abort', onAbort); }));
      } catch (error) {
        message.destroy();
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    const onAbort = () => {
      const reason = signal.reason as Error;
      if (res === undefined) req.destroy(reason);
      else res.destroy(reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const headTimer = setTimeout(() => {
      req.destroy(new RequestTimeoutError(`${where}: no answer within ${timeoutMs / 1000} s.`));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(headTimer);
      signal.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        const code = (error as NodeJS.ErrnoException).code;
        const stale = req.reusedSocket && res === undefined && (code === 'ECONNRESET' || code === 'EPIPE');
        reject(stale ? new StaleConnectionError(`${where}: the kept-alive connection was closed by the server.`, { cause: error }) : error);
      }
    };
    req.on('error', fail);
    req.end(body);
  });
}

function toResponse(message: IncomingMessage, head: boolean, timeoutMs: number, where: string, href: string, finished: () => void): Response {
  const status = message.statusCode ?? 0;
  if (status < 200 || status > 599) throw new TypeError(`${where}: the server answered with status ${status}, which fetch cannot represent.`);
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] ?? '', raw[i + 1] ?? '');
    } catch {
      // A header fetch cannot carry (invalid name or value) is left out.
    }
  }
  let stream: ReadableStream<Uint8Array> | null = null;
  if (head || NULL_BODY_STATUSES.has(status)) {
    message.resume();
    message.once('end', finished);
  } else {
    let idle: NodeJS.Timeout | undefined;
    let done = false;
    const disarm = () => {
      clearTimeout(idle);
      idle = undefined;
    };
    const arm = () => {
      disarm();
      idle = setTimeout(() => {
        message.destroy(new RequestTimeoutError(`${where}: the answer stalled for ${timeoutMs / 1000} s.`));
      }, timeoutMs);
    };
    stream = new ReadableStream<Uint8Array>({
      start(controller) {
        message.pause();
        message.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) {
            message.pause();
            disarm();
          } else arm();
        });
        message.on('end', () => {
          if (done) return;
          done = true;
          disarm();
          finished();
          controller.close();
        });
        message.on('error', (error) => {
          if (done) return;
          done = true;
          disarm();
          finished();
          controller.error(error);
        });
        message.on('close', () => {
          if (done) return;
          done = true;
          disarm();
          finished();
          controller.error(new TypeError(`${where}: the connection closed before the answer ended.`));
        });
      },
      pull() {
        arm();
        message.resume();
      },
      cancel() {
        done = true;
        disarm();
        finished();
        message.destroy();
      },
    });
  }
  const response = new Response(stream, { status, statusText: message.statusMessage ?? '', headers });
  Object.defineProperty(response, 'url', { value: href });
  return response;
}
