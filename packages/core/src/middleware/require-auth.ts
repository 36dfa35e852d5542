import type { AuthState } from '../auth-state.js';
import { scopesFromClaims } from '../claims.js';
import { AuthorizationError, type DeniedOutcome } from '../errors.js';
import type { Middleware } from '../tool.js';

/** Decides whether an authenticated caller may use the tool. `undefined` counts as no. */
export type AuthCheck = (auth: AuthState) => boolean | undefined | Promise<boolean | undefined>;

export interface RequireAuthOptions {
  /** Per-tool authorization, e.g. `(auth) => auth.scopes.includes('orders:refund')`. */
  check?: AuthCheck;
  /** The published mcify spelling of `check`. */
  predicate?: AuthCheck;
  /** Scopes the caller must hold; named in the 403 challenge (`scope="..."`). */
  scopes?: readonly string[];
  /** Shown to the client when the call is refused (403). */
  message?: string;
}

/** The verdict of an {@link AuthGate}. */
export type GateVerdict = { readonly allowed: true } | { readonly allowed: false; readonly outcome: DeniedOutcome; readonly message: string };

/** What `requireAuth()` enforces, readable by the runtime so it can answer 401 / 403 before the call. */
export interface AuthGate {
  readonly scopes: readonly string[];
  evaluate(auth: AuthState): Promise<GateVerdict>;
}

const gateKey = Symbol.for('mcify.authGate');

/** The gate a middleware enforces, when it was made by `requireAuth()`. */
export function authGateOf(middleware: Middleware): AuthGate | undefined {
  return (middleware as Middleware & { [gateKey]?: AuthGate })[gateKey];
}

/** Scopes the caller holds: the normalised OAuth scopes, or those in the claims `verify` returned. */
function grantedScopes(auth: AuthState): readonly string[] {
  return auth.type === 'oauth' ? auth.scopes : scopesFromClaims(auth.claims);
}

/**
 * Refuses unauthenticated calls (401) and, with `check`, `predicate` or `scopes`, calls the caller may not
 * make (403). Over HTTP the runtime answers before the handler runs.
 *
 * @example
 * ```ts
 * middlewares: [requireAuth({ scopes: ['orders:refund'], message: 'Refunds need the orders:refund scope.' })]
 * ```
 */
export function requireAuth(options: RequireAuthOptions = {}): Middleware {
  const check = options.check ?? options.predicate;
  const scopes = Object.freeze([...(options.scopes ?? [])]);
  const gate: AuthGate = {
    scopes,
    async evaluate(auth) {
      if (auth.type === 'none') {
        return { allowed: false, outcome: 'unauthenticated', message: 'Authentication required.' };
      }
      const granted = grantedScopes(auth);
      const missing = scopes.filter((scope) => !granted.includes(scope));
      if (missing.length > 0) {
        return {
          allowed: false,
          outcome: 'insufficient_scope',
          message: options.message ?? `This tool requires the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        };
      }
      if (check !== undefined && (await check(auth)) !== true) {
        return { allowed: false, outcome: 'forbidden', message: options.message ?? 'You are not allowed to use this tool.' };
      }
      return { allowed: true };
    },
  };
  const middleware: Middleware = async (_input, ctx, next) => {
    const verdict = await gate.evaluate(ctx.auth);
    if (!verdict.allowed) throw new AuthorizationError(verdict.outcome, verdict.message, scopes);
    return next();
  };
  return Object.assign(middleware, { [gateKey]: gate });
}
