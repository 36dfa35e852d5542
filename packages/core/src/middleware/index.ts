export { requireAuth, authGateOf, type RequireAuthOptions, type AuthCheck, type AuthGate, type GateVerdict } from './require-auth.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { withTimeout } from './with-timeout.js';
export { subjectOf } from './subject.js';
