import { randomUUID } from 'node:crypto';
import {
  createLogger,
  isLoopbackHostname,
  type AnyTool,
  type AuthState,
  type HandlerContext,
  type Logger,
  type LoggerOptions,
  type McifyConfig,
} from '@mcify-audit/reference-core';
import { authGateOf } from '@mcify-audit/reference-core/middleware';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createAuthenticator, effectiveAuth, type AuthOverride } from './auth/authenticator.js';
import type { JwksOptions } from './auth/jwt.js';
import type { AuthFailure } from './auth/outcome.js';
import { readBodyWithin } from './body.js';
import { createMcpServer } from './mcp-server.js';
import { authFailureResponse, rpcErrorCode, rpcErrorResponse, type ChallengeScheme } from './responses.js';
import { listTools } from './tool-listing.js';

export interface HttpHandlerOptions {
  /** Path of the MCP endpoint (default `/mcp`). */
  path?: string;
  /** Put another identity provider or verifier in place of the configured auth (tests, `serve`, harness). */
  auth?: AuthOverride;
  /** Where `bearer({ env })` / `apiKey({ env })` secrets are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Log level and sink of the server's structured logs (default: info, JSON lines on stderr). */
  logging?: Omit<LoggerOptions, 'secrets'>;
  /** Largest request body accepted, in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Browser origins allowed to call, besides loopback origins. Other `Origin`s get 403 (DNS rebinding). */
  allowedOrigins?: readonly string[];
  /** When set, requests whose `Host` is not listed get 403. */
  allowedHosts?: readonly string[];
  /** The endpoint's public URL, used as the RFC 9728 resource id (default: derived from the request). */
  publicUrl?: string;
  /** Time a tool call may take before its signal aborts (default 60 s). */
  toolTimeoutMs?: number;
  /** JWKS caching, for `oauth()` and issuer overrides. */
  jwks?: JwksOptions;
}

/** A web-standard request handler: give it a `Request`, get a `Response`. */
export type HttpHandler = (request: Request) => Promise<Response>;

const requestId = z.union([z.string(), z.number().int()]);
const rpcMessage = z
  .object({
    jsonrpc: z.literal('2.0'),
    method: z.string().max(256).optional(),
    id: requestId.optional(),
    params: z.record(z.unknown()).optional(),
  })
  .passthrough();
const rpcBody = z.union([rpcMessage, z.array(rpcMessage).min(1).max(32)]);
type RpcMessage = z.infer<typeof rpcMessage>;

/**
 * The credentials a request presents, whether valid or not, so that nothing logged while serving it
 * can contain them: the `Authorization` value (with and without its scheme) and the API key header.
 */
function presentedSecrets(headers: Headers, apiKeyHeader: string | undefined): string[] {
  const secrets: string[] = [];
  const authorization = headers.get('authorization');
  if (authorization !== null) secrets.push(authorization, ...authorization.split(/[\s,]+/).filter((part) => !/^bearer$/i.test(part)));
  const key = apiKeyHeader === undefined ? null : headers.get(apiKeyHeader);
  if (key !== null) secrets.push(key);
  return secrets;
}

/** Request schemas of the methods this server answers, so malformed params get -32602, not an internal error. */
interface RequestSchema { safeParse(value: unknown): { success: boolean } }
const paramsSchemas = new Map<string, RequestSchema>([
  ['initialize', InitializeRequestSchema],
  ['ping', PingRequestSchema],
  ['tools/list', ListToolsRequestSchema],
  ['tools/call', CallToolRequestSchema],
]);

function isJsonContentType(value: string | null): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Serves a config over MCP Streamable HTTP (stateless, JSON responses) with MCP authorization:
 * credentials are checked before the body is read (401 with a `WWW-Authenticate` challenge), each
 * tool's `requireAuth()` gate is enforced before the call (403 `insufficient_scope`), and
 * `/.well-known/oauth-protected-resource` describes the server (RFC 9728).
 *
 * Throws a `McifyConfigError` now for a configuration that cannot work (e.g. `bearer({ env })` unset).
 *
 * @example
 * ```ts
 * const handle = createHttpHandler(config);
 * const response = await handle(new Request('http://127.0.0.1/mcp', { method: 'POST', ... }));
 * ```
 */
export function createHttpHandler(config: McifyConfig, options: HttpHandlerOptions = {}): HttpHandler {
  const path = options.path ?? '/mcp';
  const logger = createLogger(options.logging);
  const auth = effectiveAuth(config.auth, options.auth);
  const authenticate = createAuthenticator(auth, options.env ?? process.env, options.jwks ?? {}, logger);
  const listing = listTools(config.tools);
  const toolsByName = new Map<string, AnyTool>(config.tools.map((tool) => [tool.name, tool]));
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const toolTimeoutMs = options.toolTimeoutMs ?? 60_000;
  const metadataPath = `/.well-known/oauth-protected-resource${path}`;
  const gateScopes = config.tools.flatMap((tool) => tool.middlewares.flatMap((middleware) => authGateOf(middleware)?.scopes ?? []));
  const scopesSupported = [...new Set([...(auth.type === 'oauth' ? auth.requiredScopes : []), ...gateScopes])];

  // Behind a proxy the request's own origin is not the public one.
  const publicOrigin = options.publicUrl === undefined ? undefined : new URL(options.publicUrl).origin;
  const challengeFor = (url: URL): ChallengeScheme =>
    auth.type === 'api_key'
      ? { kind: 'api_key', headerName: auth.headerName }
      : { kind: 'bearer', resourceMetadata: `${publicOrigin ?? url.origin}${metadataPath}` };

  const resourceMetadata = (url: URL): Response =>
    Response.json(
      {
        resource: options.publicUrl ?? `${url.origin}${path}`,
        ...(auth.type === 'oauth' ? { authorization_servers: [auth.issuer] } : {}),
        scopes_supported: scopesSupported,
        bearer_methods_supported: auth.type === 'api_key' ? [] : ['header'],
        resource_name: config.name,
      },
      { headers: { 'cache-control': 'max-age=300' } },
    );

  const originRefused = (request: Request, url: URL): boolean => {
    const host = request.headers.get('host') ?? url.host;
    if (options.allowedHosts !== undefined && !options.allowedHosts.includes(host)) return true;
    const origin = request.headers.get('origin');
    if (origin === null || options.allowedOrigins?.includes(origin) === true) return false;
    return !URL.canParse(origin) || !isLoopbackHostname(new URL(origin).hostname);
  };

  /** The first `requireAuth()` gate that refuses one of the tool calls in the body, as an auth failure. */
  const refusedByGate = async (
    messages: readonly RpcMessage[],
    state: AuthState,
    requestLogger: Logger,
  ): Promise<{ failure: AuthFailure; id: string | number | null; tool: string } | undefined> => {
    for (const message of messages) {
      if (message.method !== 'tools/call') continue;
      const name = message.params?.name;
      const tool = typeof name === 'string' ? toolsByName.get(name) : undefined;
      if (tool === undefined) continue;
      for (const middleware of tool.middlewares) {
        const gate = authGateOf(middleware);
        if (gate === undefined) continue;
        const verdict = await gate.evaluate(state).catch((error: unknown) => {
          requestLogger.error('auth_check_threw', { tool: tool.name, error });
          return { allowed: false, outcome: 'forbidden', message: 'You are not allowed to use this tool.' } as const;
        });
        if (verdict.allowed) continue;
        const failure: AuthFailure =
          verdict.outcome === 'unauthenticated'
            ? { ok: false, reason: 'missing', description: verdict.message }
            : { ok: false, reason: 'insufficient_scope', description: verdict.message, scopes: gate.scopes };
        return { failure, id: message.id ?? null, tool: tool.name };
      }
    }
    return undefined;
  };

  const handleMcp = async (request: Request, url: URL, id: string, requestLogger: Logger): Promise<Response> => {
    const receivedAt = new Date();
    const authOutcome = await authenticate(request.headers, requestLogger);
    if (!authOutcome.ok) {
      requestLogger.info('auth_refused', { reason: authOutcome.reason });
      return authFailureResponse(authOutcome, challengeFor(url));
    }
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return rpcErrorResponse(415, rpcErrorCode.invalidRequest, 'Send the JSON-RPC message as Content-Type: application/json.');
    }
    const body = await readBodyWithin(request, maxBodyBytes);
    if ('problem' in body) {
      return body.problem === 'too_large'
        ? rpcErrorResponse(413, rpcErrorCode.invalidRequest, `The request body is larger than ${maxBodyBytes} bytes.`)
        : rpcErrorResponse(400, rpcErrorCode.invalidRequest, 'The request body could not be read.');
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return rpcErrorResponse(400, rpcErrorCode.parse, 'The request body is not valid JSON.');
    }
    const parsed = rpcBody.safeParse(json);
    if (!parsed.success) {
      return rpcErrorResponse(400, rpcErrorCode.invalidRequest, 'The request body is not a JSON-RPC 2.0 message.');
    }
    const messages = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const malformed = messages.find((message) => message.method !== undefined && paramsSchemas.get(message.method)?.safeParse(message).success === false);
    if (malformed !== undefined) {
      return rpcErrorResponse(200, ErrorCode.InvalidParams, `Invalid params for ${malformed.method ?? 'the request'}.`, { id: malformed.id ?? null });
    }
    const state = authOutcome.auth;
    const refusal = await refusedByGate(messages, state, requestLogger);
    if (refusal !== undefined) {
      requestLogger.info('auth_refused', { reason: refusal.failure.reason, tool: refusal.tool });
      return authFailureResponse(refusal.failure, challengeFor(url), refusal.id);
    }
    const contextFor = (callSignal: AbortSignal): HandlerContext => {
      const signal = AbortSignal.any([request.signal, callSignal, AbortSignal.timeout(toolTimeoutMs)]);
      return {
        auth: state,
        logger: requestLogger,
        signal,
        request: { id, receivedAt },
        fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
      };
    };
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    const server = createMcpServer(config, listing, toolsByName, contextFor);
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { parsedBody: parsed.data });
    } finally {
      void server.close();
    }
  };

  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return rpcErrorResponse(400, rpcErrorCode.invalidRequest, 'Bad request URL.');
    }
    const id = randomUUID();
    const requestLogger = logger.child({ requestId: id }, presentedSecrets(request.headers, auth.type === 'api_key' ? auth.headerName : undefined));
    try {
      if (originRefused(request, url)) return rpcErrorResponse(403, rpcErrorCode.server, 'Origin or Host not allowed.');
      if (url.pathname === metadataPath || url.pathname === '/.well-known/oauth-protected-resource') {
        return request.method === 'GET' || request.method === 'HEAD'
          ? resourceMetadata(url)
          : rpcErrorResponse(405, rpcErrorCode.invalidRequest, 'Method not allowed.', { headers: { allow: 'GET' } });
      }
      if (url.pathname !== path) return rpcErrorResponse(404, rpcErrorCode.invalidRequest, `Not found: the MCP endpoint is ${path}.`);
      if (request.method !== 'POST') {
        return rpcErrorResponse(405, rpcErrorCode.invalidRequest, 'This server is stateless: POST JSON-RPC messages.', {
          headers: { allow: 'POST' },
        });
      }
      return await handleMcp(request, url, id, requestLogger);
    } catch (error) {
      requestLogger.error('request_failed', { error, stack: error instanceof Error ? error.stack : undefined });
      return rpcErrorResponse(500, rpcErrorCode.server, 'Internal error.');
    }
  };
}
