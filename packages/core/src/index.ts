export { defineConfig, type ConfigSpec, type McifyConfig } from './config.js';
export { defineTool, toolNamePattern, type ToolSpec, type ToolDefinition, type Middleware, type InputSchema, type OutputSchema, type AnyTool } from './tool.js';
export * from './auth/index.js';
export type { AuthState, NoneAuthState, BearerAuthState, ApiKeyAuthState, OAuthAuthState } from './auth-state.js';
export { parseClaims, scopesFromClaims, emptyClaims, type Claims } from './claims.js';
export type { HandlerContext, RequestInfo } from './context.js';
export { createLogger, hash, type Logger, type LoggerOptions, type LogFields, type LogLevel, type LogRecord, type LogSink } from './logger.js';
export { McifyConfigError, ToolError, AuthorizationError, type ConfigErrorCode, type DeniedOutcome } from './errors.js';
export { isLoopbackAddress, isLoopbackHostname } from './loopback.js';
