import { describe, expect, it } from 'vitest';
import { AuthorizationError, createLogger, ToolError, type AuthState, type HandlerContext } from '@mcify/core';
import { authGateOf, rateLimit, requireAuth, subjectOf, withTimeout } from '@mcify/core/middleware';

const none: AuthState = { type: 'none', claims: {} };
const reader: AuthState = { type: 'oauth', token: 't1', scopes: ['orders:read'], claims: { sub: 'alice', scope: 'orders:read' } };
const refunder: AuthState = { type: 'oauth', token: 't2', scopes: ['orders:read', 'orders:refund'], claims: { sub: 'bob' } };
const session: AuthState = { type: 'bearer', token: 'session-token', claims: {} };

function contextFor(auth: AuthState): HandlerContext {
  return {
    auth,
    logger: createLogger({ sink: () => undefined }),
    fetch,
    signal: new AbortController().signal,
    request: { id: 'r1', receivedAt: new Date() },
  };
}

const next = () => Promise.resolve('handled');

describe('requireAuth', () => {
  it('refuses unauthenticated callers and admits any authenticated one', async () => {
    const gate = authGateOf(requireAuth());
    expect(await gate?.evaluate(none)).toMatchObject({ allowed: false, outcome: 'unauthenticated' });
    expect(await gate?.evaluate(reader)).toEqual({ allowed: true });
    expect(await gate?.evaluate(session)).toEqual({ allowed: true });
  });

  it('checks listed scopes and names them', async () => {
    const middleware = requireAuth({ scopes: ['orders:refund'] });
    const gate = authGateOf(middleware);
    expect(gate?.scopes).toEqual(['orders:refund']);
    expect(await gate?.evaluate(reader)).toMatchObject({ allowed: false, outcome: 'insufficient_scope', message: expect.stringContaining('orders:refund') as string });
    expect(await gate?.evaluate(refunder)).toEqual({ allowed: true });
  });

  it('reads scopes from claims for bearer verify results', async () => {
    const gate = authGateOf(requireAuth({ scopes: ['admin'] }));
    expect(await gate?.evaluate({ type: 'bearer', token: 't', claims: { scope: 'admin' } })).toEqual({ allowed: true });
    expect(await gate?.evaluate({ type: 'bearer', token: 't', claims: { scope: 'user' } })).toMatchObject({ allowed: false });
  });

  it('honours check and the published predicate spelling, with the given message', async () => {
    const check = (auth: AuthState) => auth.claims.sub === 'bob';
    for (const options of [{ check }, { predicate: check }]) {
      const gate = authGateOf(requireAuth({ ...options, message: 'Only Bob.' }));
      expect(await gate?.evaluate(reader)).toEqual({ allowed: false, outcome: 'forbidden', message: 'Only Bob.' });
      expect(await gate?.evaluate(refunder)).toEqual({ allowed: true });
    }
  });

  it('treats an undefined check result as a refusal (the guide writes claims.scopes?.includes)', async () => {
    const gate = authGateOf(requireAuth({ check: (auth) => auth.claims.scopes?.includes('orders:refund') }));
    expect(await gate?.evaluate(reader)).toMatchObject({ allowed: false, outcome: 'forbidden' });
    expect(await gate?.evaluate({ ...refunder, claims: { scopes: ['orders:refund'] } })).toEqual({ allowed: true });
  });

  it('throws AuthorizationError when run in a chain, and calls next when allowed', async () => {
    const middleware = requireAuth({ scopes: ['orders:refund'] });
    await expect(middleware({}, contextFor(reader), next)).rejects.toBeInstanceOf(AuthorizationError);
    await expect(middleware({}, contextFor(refunder), next)).resolves.toBe('handled');
  });

  it('leaves other middlewares without a gate', () => {
    expect(authGateOf(rateLimit({ max: 1, windowMs: 1000 }))).toBeUndefined();
  });
});

describe('rateLimit', () => {
  it('counts per authenticated subject, whatever the auth type', async () => {
    const limit = rateLimit({ max: 2, windowMs: 60_000 });
    const alice = contextFor(reader);
    await limit({}, alice, next);
    await limit({}, alice, next);
    await expect(limit({}, alice, next)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(limit({}, contextFor(refunder), next)).resolves.toBe('handled');
    await expect(limit({}, contextFor(session), next)).resolves.toBe('handled');
  });

  it('keys sessions by a hash of the token, never the token itself', () => {
    expect(subjectOf(session)).toMatch(/^token:[0-9a-f]{16}$/);
    expect(subjectOf(session)).not.toContain('session-token');
    expect(subjectOf(reader)).toBe('sub:alice');
    expect(subjectOf({ type: 'api_key', key: 'k-123', headerName: 'x-api-key', claims: {} })).toMatch(/^key:/);
    expect(subjectOf(none)).toBe('anonymous');
  });

  it('refuses nonsense limits', () => {
    expect(() => rateLimit({ max: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});

describe('withTimeout', () => {
  it('fails slow calls with a ToolError and lets fast ones through', async () => {
    const slow = () => new Promise<string>((resolve) => setTimeout(() => { resolve('late'); }, 200));
    await expect(withTimeout({ ms: 20 })({}, contextFor(reader), slow)).rejects.toBeInstanceOf(ToolError);
    await expect(withTimeout({ ms: 500 })({}, contextFor(reader), next)).resolves.toBe('handled');
  });
});
