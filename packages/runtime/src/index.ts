export { createHttpHandler, type HttpHandler, type HttpHandlerOptions } from './http-handler.js';
export { serveNode, type ServeNodeOptions, type RunningServer } from './node.js';
export type { AuthOverride } from './auth/authenticator.js';
export type { JwksOptions } from './auth/jwt.js';
