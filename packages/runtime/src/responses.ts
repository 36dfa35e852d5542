import type { AuthFailure } from './auth/outcome.js';

/** JSON-RPC error codes the transport layer answers with. */
export const rpcErrorCode = { parse: -32700, invalidRequest: -32600, server: -32000 } as const;

/** An HTTP response carrying one JSON-RPC error object. */
export function rpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: { id?: string | number | null; headers?: Record<string, string> } = {},
): Response {
  return Response.json(
    { jsonrpc: '2.0', error: { code, message }, id: options.id ?? null },
    { status, headers: { 'cache-control': 'no-store', ...options.headers } },
  );
}

/** A quoted-string auth-param value (RFC 9110 §11.2), restricted to printable ASCII. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/** A `WWW-Authenticate` challenge: the scheme, then its parameters in order. */
export function challenge(scheme: string, params: Readonly<Record<string, string | undefined>>): string {
  const rendered = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${quoted(value)}`);
  return rendered.length === 0 ? scheme : `${scheme} ${rendered.join(', ')}`;
}

/** How the server asks for credentials: a bearer challenge naming its metadata, or the API key header. */
export type ChallengeScheme = { readonly kind: 'bearer'; readonly resourceMetadata: string } | { readonly kind: 'api_key'; readonly headerName: string };

/** The 401 / 403 / 503 answer to a request whose credentials were refused (MCP authorization, RFC 6750 §3). */
export function authFailureResponse(failure: AuthFailure, scheme: ChallengeScheme, id: string | number | null = null): Response {
  if (failure.reason === 'unavailable') {
    return rpcErrorResponse(503, rpcErrorCode.server, failure.description, { id, headers: { 'retry-after': '5' } });
  }
  const error = failure.reason === 'missing' ? undefined : failure.reason;
  const params =
    scheme.kind === 'bearer'
      ? {
          resource_metadata: scheme.resourceMetadata,
          error,
          error_description: error === undefined ? undefined : failure.description,
          scope: failure.reason === 'insufficient_scope' && failure.scopes.length > 0 ? failure.scopes.join(' ') : undefined,
        }
      : { realm: 'mcp', header: scheme.headerName, error };
  // RFC 6750 allows 400 for invalid_request; MCP clients expect 401 whenever credentials are unusable.
  const status = failure.reason === 'insufficient_scope' ? 403 : 401;
  return rpcErrorResponse(status, rpcErrorCode.server, failure.description, {
    id,
    headers: { 'www-authenticate': challenge(scheme.kind === 'bearer' ? 'Bearer' : 'ApiKey', params) },
  });
}
