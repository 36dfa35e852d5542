import type { AuthState } from './auth-state.js';
import type { Logger } from './logger.js';

/** What a handler and its middlewares know about the call besides its input. */
export interface HandlerContext {
  /** Who is calling, established by the server-level auth. Read identity from here, never from input. */
  readonly auth: AuthState;
  /** Structured logger bound to this request; scrubs the request's token. */
  readonly logger: Logger;
  /** `fetch` for upstream calls, aborted with {@link HandlerContext.signal}. */
  readonly fetch: typeof fetch;
  /** Aborted when the client goes away or the call times out. */
  readonly signal: AbortSignal;
  readonly request: RequestInfo;
}

export interface RequestInfo {
  /** Id of this call, also given to the client when the call fails unexpectedly. */
  readonly id: string;
  readonly receivedAt: Date;
}
