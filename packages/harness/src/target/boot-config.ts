import type { McifyConfig } from '@mcify-audit/reference-core';
import { serveNode, type AuthOverride, type HttpHandlerOptions, type RunningServer } from '@mcify-audit/reference-runtime';
import { createTestIdp, type TestIdp } from '../idp/test-idp.js';
import type { AuditHook } from './audit-hook.js';

export interface BootOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** The server's structured logs (default: info, JSON lines on stderr). */
  logging?: HttpHandlerOptions['logging'];
  /** Lifetime of the tokens minted for the principals, in seconds (default 900). */
  tokenLifetimeSec?: number;
}

/** What a principal looks like in the `serve` contract. */
export interface PrincipalSummary {
  readonly tenant: string;
  readonly scopes: readonly string[];
}

/** A config running on the reference runtime, with a token for each principal. */
export interface BootedServer {
  /** The MCP endpoint. */
  readonly url: string;
  /** A valid credential per principal. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly principals: Readonly<Record<string, PrincipalSummary>>;
  /** The test identity provider standing in for the configured issuer (`oauth()` servers only). */
  readonly idp: TestIdp | undefined;
  /** The audience tokens for this server carry (`oauth()` servers only). */
  readonly audience: string | undefined;
  /** Stops the server and the identity provider, then runs the hook's teardown. */
  close(): Promise<void>;
}

/** Why a config could not be booted. The message says what to change. */
export class BootError extends Error {
  override readonly name = 'BootError';
}

/**
 * Starts a config on the reference runtime the way the audit needs it: `oauth()` servers get a local
 * test identity provider in place of their issuer, and every principal of the hook gets a token.
 * Whatever was started is stopped again if a later step fails.
 *
 * @example
 * ```ts
 * const booted = await bootConfig(config, mcifyAudit);
 * console.log(booted.url, booted.tokens.alice);
 * await booted.close();
 * ```
 */
export async function bootConfig(config: McifyConfig, hook: AuditHook | undefined, options: BootOptions = {}): Promise<BootedServer> {
  const cleanups: (() => unknown)[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some resources did not close cleanly');
  };
  try {
    if (hook?.teardown !== undefined) cleanups.push(() => hook.teardown?.());
    await hook?.setup?.();
    const principals = hook?.principals ?? {};
    let idp: TestIdp | undefined;
    let audience: string | undefined;
    let override: AuthOverride | undefined;
    const tokens: Record<string, string> = {};
    if (config.auth.type === 'oauth') {
      const configured = config.auth.audience;
      const tokenAudience = typeof configured === 'string' ? configured : configured[0];
      if (tokenAudience === undefined) throw new BootError(`Server "${config.name}": oauth() names no audience.`);
      audience = tokenAudience;
      const started = await createTestIdp();
      idp = started;
      cleanups.push(() => started.close());
      override = { issuer: started.issuer };
      for (const [name, principal] of Object.entries(principals)) {
        if (principal.claims === undefined) {
          throw new BootError(`Principal "${name}" has no claims: an oauth() server needs the claims of its token (sub, tenant, ...).`);
        }
        tokens[name] = await started.mint({ ...principal.claims }, { audience: tokenAudience, scopes: principal.scopes ?? [], expiresInSec: options.tokenLifetimeSec ?? 900 });
      }
    } else if (config.auth.type !== 'none') {
      const issue = hook?.issueToken;
      for (const [name, principal] of Object.entries(principals)) {
        if (issue === undefined) {
          throw new BootError(`Server "${config.name}" uses ${config.auth.type} auth: its mcifyAudit hook needs issueToken(principal) to obtain each principal's credential.`);
        }
        tokens[name] = await issue(name, principal);
      }
    }
    const server: RunningServer = await serveNode(config, {
      port: options.port ?? 0,
      hostname: options.hostname ?? '127.0.0.1',
      ...(override === undefined ? {} : { auth: override }),
      ...(options.logging === undefined ? {} : { logging: options.logging }),
    });
    cleanups.push(() => server.close());
    const summaries = Object.fromEntries(
      Object.entries(principals).map(([name, principal]) => [name, { tenant: principal.tenant, scopes: [...(principal.scopes ?? [])] }]),
    );
    return { url: server.url, tokens, principals: summaries, idp, audience, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
