/**
 * The in-process target (`--config CONFIG`): the config and its `mcifyAudit` hook, booted here. A
 * config on the guide's API boots on the reference runtime with the test identity provider, so the
 * harness can also mint and forge tokens the server must refuse ({@link TrustedIssuer}). A config on
 * the published mcify boots on that project's own `@mcify/runtime` (`published-runtime.ts`), with
 * credentials from the hook's `issueToken` and no trusted issuer.
 *
 * @module
 */
import { dirname } from 'node:path';
import type { ForgeOptions, ForgeryKind } from '../idp/forge.js';
import type { TestIdp } from '../idp/test-idp.js';
import type { FuzzTarget, Principal, TrustedIssuer } from '../engine/types.js';
import type { AuditHook, AuditPrincipal } from './audit-hook.js';
import { identityOf, jwtClaimsOf, jwtScopesOf } from './black-box.js';
import { bootConfig, type BootOptions } from './boot-config.js';
import { loadConfig, referenceConfigOf, referenceRuntimeGap, type LoadedConfig } from './load-config.js';
import { pinnedFetch } from './pinned-fetch.js';
import { bootPublished, PublishedRuntimeError } from './published-runtime.js';
import { resolveTarget } from './resolve-target.js';
import { Secret } from './secret.js';
import { sourceMapOf, type SourceMap } from './source-map.js';

export { PublishedRuntimeError };

export interface InProcessOptions {
  /** Per request, ms (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** `--isolate user` overrides the hook's `isolate`. */
  readonly isolate?: 'tenant' | 'user';
  /** `--id PRINCIPAL.FIELD=VALUE`, merged with the hook's `objects`. */
  readonly ids?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** `--public-value`, added to the hook's `publicValues`. */
  readonly publicValues?: readonly string[];
  /** `--revoked-token NAME=TOKEN`, besides those the hook's `revokedToken` issues. */
  readonly revoked?: Readonly<Record<string, Secret>>;
  /** Map the config's folder to each tool's `defineTool` with the analyzer (default true; loads TypeScript). */
  readonly source?: boolean;
  /** The server's logs (default: none). */
  readonly logging?: BootOptions['logging'];
}

/** The claims mint always writes: they can be changed, not left out. */
const alwaysMinted = new Set(['iss', 'iat', 'exp', 'aud']);

/**
 * Loads a config and boots it for fuzzing. The target's principals are the hook's: tokens minted by
 * the test identity provider for `oauth()` servers (JWTs), from `issueToken` for `bearer` and
 * `apiKey` ones (opaque), none for `none()`.
 *
 * @throws {ConfigLoadError} when the config does not load; {@link PublishedRuntimeError} (its message
 *   prints the `mcify-audit fuzz --url` command) when a published-dialect config has no runtime to run on;
 *   {@link BootError} when the server does not boot.
 * @example
 * ```ts
 * const target = await inProcessTarget('fixtures/servers/orders-vulnerable/mcify.config.ts');
 * try { console.log(target.url.href, target.principals.map((p) => p.name)); } finally { await target.close(); }
 * ```
 */
export async function inProcessTarget(configPath: string, options: InProcessOptions = {}): Promise<FuzzTarget> {
  const loaded = await loadConfig(configPath);
  const gap = referenceRuntimeGap(loaded.config);
  // The analysis runs while the server boots.
  const mapping = options.source === false ? Promise.resolve(undefined) : sourceMapOf(dirname(loaded.file)).catch(() => undefined);
  mapping.catch(() => undefined);
  return gap === undefined ? referenceTarget(loaded, options, mapping) : publishedTarget(loaded, gap, options, mapping);
}

async function referenceTarget(loaded: LoadedConfig, options: InProcessOptions, mapping: Promise<SourceMap | undefined>): Promise<FuzzTarget> {
  const config = referenceConfigOf(loaded, 'mcify-audit fuzz');
  const hook = loaded.hook;
  const booted = await bootConfig(config, hook, { logging: options.logging ?? { sink: () => undefined } });
  try {
    const auth = config.auth;
    const tokenKind = auth.type === 'oauth' ? 'jwt' : auth.type === 'none' ? 'none' : 'opaque';
    const challengeScheme = auth.type === 'none' ? undefined : auth.type === 'api_key' ? 'ApiKey' : 'Bearer';
    const credentialHeader = auth.type === 'api_key' ? { name: auth.headerName, prefix: '' } : { name: 'authorization', prefix: 'Bearer ' };
    const principals = principalsOf(hook, booted.tokens, tokenKind);
    const issuer = booted.idp === undefined ? undefined : trustedIssuer(booted.idp, booted.audience, hook, await booted.idp.privateKeyMaterial());
    return await assemble({
      loaded,
      options,
      url: booted.url,
      principals,
      tokenKind,
      challengeScheme,
      credentialHeader,
      issuer,
      mapping,
      stop: () => booted.close(),
    });
  } catch (error) {
    await booted.close().catch(() => undefined);
    throw error;
  }
}

async function publishedTarget(loaded: LoadedConfig, gap: string, options: InProcessOptions, mapping: Promise<SourceMap | undefined>): Promise<FuzzTarget> {
  const server = await bootPublished(loaded, gap);
  try {
    const auth = loaded.config.auth as { type?: string; headerName?: unknown } | undefined;
    const type = auth?.type ?? 'none';
    const tokens = Object.values(server.tokens);
    const tokenKind = type === 'none' ? 'none' : tokens.length > 0 && tokens.every((token) => jwtClaimsOf(token) !== undefined) ? 'jwt' : 'opaque';
    const headerName = typeof auth?.headerName === 'string' ? auth.headerName.toLowerCase() : 'x-api-key';
    return await assemble({
      loaded,
      options,
      url: server.url,
      principals: principalsOf(loaded.hook, server.tokens, tokenKind),
      tokenKind,
      challengeScheme: type === 'none' ? undefined : type === 'api_key' ? 'ApiKey' : 'Bearer',
      credentialHeader: type === 'api_key' ? { name: headerName, prefix: '' } : { name: 'authorization', prefix: 'Bearer ' },
      issuer: undefined,
      mapping,
      stop: () => server.close(),
    });
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
}

/** The hook's principals with their credentials: claims and scopes from the hook (or the JWT), identity from the claims and tenant. */
function principalsOf(hook: AuditHook | undefined, tokens: Readonly<Record<string, string>>, tokenKind: FuzzTarget['tokenKind']): Principal[] {
  return Object.entries(hook?.principals ?? {}).map(([name, principal]) => {
    const value = tokens[name];
    const decoded = value === undefined || tokenKind !== 'jwt' ? undefined : jwtClaimsOf(value);
    const claims = principal.claims ?? decoded;
    return {
      name,
      tenant: principal.tenant,
      scopes: principal.scopes ?? jwtScopesOf(decoded),
      token: value === undefined ? undefined : new Secret(`${name}'s token`, value),
      claims,
      identity: identityOf(claims, principal.tenant),
    };
  });
}

/** Mints and forges for the principals with the test identity provider the booted server trusts. */
function trustedIssuer(idp: TestIdp, audience: string | undefined, hook: AuditHook | undefined, privateMaterial: readonly string[]): TrustedIssuer {
  const details = (principal: Principal): AuditPrincipal | undefined => hook?.principals[principal.name];
  const baseClaims = (principal: Principal): Record<string, unknown> => ({ ...(details(principal)?.claims ?? principal.claims ?? {}) });
  return {
    async mint(principal, changes = {}) {
      const omit = new Set(changes.omit ?? []);
      for (const name of omit) {
        if (alwaysMinted.has(name)) throw new TypeError(`mint cannot leave out ${name}; use forge('missing-exp') for a token without exp, or change it instead.`);
      }
      const claims = Object.fromEntries(Object.entries({ ...baseClaims(principal), ...(changes.claims ?? {}) }).filter(([name]) => !omit.has(name)));
      const scopes = omit.has('scope') ? undefined : (changes.scopes ?? principal.scopes);
      return idp.mint(claims, {
        ...(audience === undefined ? {} : { audience }),
        ...(scopes === undefined ? {} : { scopes }),
        ...(changes.audience === undefined ? {} : { audience: changes.audience }),
        ...(changes.expiresInSec === undefined ? {} : { expiresInSec: changes.expiresInSec }),
        ...(changes.notBeforeSec === undefined ? {} : { notBeforeSec: changes.notBeforeSec }),
        ...(changes.issuedAtSec === undefined ? {} : { issuedAtSec: changes.issuedAtSec }),
        ...(changes.issuer === undefined ? {} : { issuer: changes.issuer }),
        ...(changes.typ === undefined ? {} : { typ: changes.typ }),
      });
    },
    forge(kind: ForgeryKind, principal: Principal, forgeOptions: ForgeOptions = {}) {
      return idp.forge(kind, baseClaims(principal), {
        ...(audience === undefined ? {} : { audience }),
        ...(principal.scopes === undefined ? {} : { scopes: principal.scopes }),
        ...forgeOptions,
      });
    },
    publicKeyPem: () => idp.publicKeyPem(),
    privateMaterial,
    issuerUrl: idp.issuer,
  };
}

async function assemble(parts: {
  readonly loaded: LoadedConfig;
  readonly options: InProcessOptions;
  readonly url: string;
  readonly principals: readonly Principal[];
  readonly tokenKind: FuzzTarget['tokenKind'];
  readonly challengeScheme: FuzzTarget['challengeScheme'];
  readonly credentialHeader: FuzzTarget['credentialHeader'];
  readonly issuer: TrustedIssuer | undefined;
  readonly mapping: Promise<SourceMap | undefined>;
  readonly stop: () => Promise<void>;
}): Promise<FuzzTarget> {
  const { loaded, options, principals } = parts;
  const hook = loaded.hook;
  const resolved = await resolveTarget(parts.url);
  const fetch = pinnedFetch(resolved, options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs });
  let stopped: Promise<void> | undefined;
  const close = () => {
    stopped ??= (async () => {
      fetch.close();
      await parts.stop();
    })();
    return stopped;
  };
  try {
    const revoked: Record<string, Secret> = {};
    if (hook?.revokedToken !== undefined) {
      for (const [name, principal] of Object.entries(hook.principals)) {
        revoked[name] = new Secret(`${name}'s revoked token`, await hook.revokedToken(name, principal));
      }
    }
    Object.assign(revoked, options.revoked ?? {});
    const map = await parts.mapping;
    return {
      mode: 'in-process',
      url: resolved.url,
      loopback: resolved.loopback,
      fetch,
      principals,
      isolate: options.isolate ?? hook?.isolate ?? 'tenant',
      tokenKind: parts.tokenKind,
      challengeScheme: parts.challengeScheme,
      credentialHeader: parts.credentialHeader,
      issuer: parts.issuer,
      objects: mergeObjects(hook?.objects ?? {}, options.ids ?? {}),
      publicValues: [...new Set([...(hook?.publicValues ?? []), ...(options.publicValues ?? [])])],
      idFields: [...(hook?.idFields ?? [])],
      secrets: (hook?.secrets ?? []).map((value, index) => new Secret(`the mcifyAudit hook's secret #${String(index + 1)}`, value)),
      revoked,
      reset: hook?.reset === undefined ? undefined : async () => {
        await hook.reset?.();
      },
      source: { configFile: loaded.file, tools: map?.tools ?? new Map() },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** principal → field → values, the lists of both joined. */
function mergeObjects(
  a: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
  b: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const source of [a, b]) {
    for (const [principal, fields] of Object.entries(source)) {
      const target = (out[principal] ??= {});
      for (const [field, values] of Object.entries(fields)) target[field] = [...new Set([...(target[field] ?? []), ...values])];
    }
  }
  return out;
}
