/*
 * The config loader lives in the harness (`fuzz --config` needs it too); its subpath loads neither
 * the reference runtime nor the MCP SDK, so the commands that import it stay light.
 */
export { loadConfig, referenceConfigOf, referenceRuntimeGap, ConfigLoadError, type LoadedConfig, type LoadedServer } from '@mcify-audit/harness/load-config';
