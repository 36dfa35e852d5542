import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isLoopbackAddress } from '@mcify-audit/reference-core';

/** Why a `--url` cannot be audited as given. The message says what to pass instead. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** A black-box target whose host has been resolved once: every request goes to {@link ResolvedTarget.address}. */
export interface ResolvedTarget {
  /** The MCP endpoint, as parsed (no fragment). */
  readonly url: URL;
  /** The URL's hostname without IPv6 brackets: the `Host` header's and, for https, the TLS server name's. */
  readonly hostname: string;
  readonly port: number;
  /** The address every request is sent to. */
  readonly address: string;
  readonly family: 4 | 6;
  /** Every address the host resolved to, in `dns.lookup` order. */
  readonly addresses: readonly string[];
  /** Whether every address is loopback; otherwise `--allow-remote` named this host. */
  readonly loopback: boolean;
}

export interface ResolveTargetOptions {
  /** The `--allow-remote HOST` values: a non-loopback target is accepted only when one equals the URL's host. */
  allowRemote?: readonly string[];
  /** Name resolution (default `dns.lookup` with `all: true`); IP literals are never looked up. */
  lookup?: (hostname: string) => Promise<readonly LookupAddress[]>;
}

function systemLookup(hostname: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) fail(error);
      else done(addresses);
    });
  });
}

/**
 * Parses `--url` (http or https, with the endpoint's path, no credentials) and resolves its host once.
 * A target is refused when any address is outside loopback (`127.0.0.0/8`, `::1`, IPv4-mapped
 * loopback), unless `allowRemote` holds the URL's host exactly; nothing is sent either way.
 *
 * @example
 * ```ts
 * const target = await resolveTarget('http://localhost:8080/mcp');
 * // { hostname: 'localhost', address: '127.0.0.1', port: 8080, loopback: true, ... }
 * ```
 * @throws {TargetError} saying what to change or which flag to pass.
 */
export async function resolveTarget(text: string, options: ResolveTargetOptions = {}): Promise<ResolvedTarget> {
  const url = parseTargetUrl(text);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);

  let found: readonly LookupAddress[];
  const literal = isIP(hostname);
  if (literal !== 0) {
    found = [{ address: hostname, family: literal }];
  } else {
    try {
      found = await (options.lookup ?? systemLookup)(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new TargetError(`--url: cannot resolve ${hostname} (${code ?? String(error)}); check the host name, or give the server's address.`);
    }
  }
  const first = found[0];
  if (first === undefined) throw new TargetError(`--url: ${hostname} resolved to no address; check the host name, or give the server's address.`);

  const addresses = found.map((entry) => entry.address);
  const loopback = addresses.every((address) => isLoopbackAddress(address));
  if (!loopback && !(options.allowRemote ?? []).some((allowed) => sameHost(allowed, url.hostname))) {
    const remote = addresses.filter((address) => !isLoopbackAddress(address)).join(', ');
    const where = literal !== 0 ? `${hostname} is not a loopback address` : `${hostname} resolves to ${remote}, outside loopback`;
    throw new TargetError(
      `--url: ${where}. The harness sends forged tokens and, with --allow-writes, changes data: point it only at a server you are allowed to test, and confirm with --allow-remote ${url.hostname}.`,
    );
  }
  return { url, hostname, port, address: first.address, family: first.family === 6 ? 6 : 4, addresses, loopback };
}

/** `--allow-remote` names the URL's host: case aside, and with or without IPv6 brackets. */
function sameHost(allowed: string, urlHostname: string): boolean {
  const value = allowed.trim().toLowerCase();
  return value === urlHostname || `[${value}]` === urlHostname;
}

/** The checks on `--url` itself, before any lookup. */
export function parseTargetUrl(text: string): URL {
  const example = 'e.g. --url http://localhost:8080/mcp';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) throw new TargetError(`--url: give the full URL with its scheme, ${example}.`);
  if (!URL.canParse(text)) throw new TargetError(`--url: not a URL; give the MCP endpoint's full URL, ${example}.`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`--url: only http: and https: targets can be audited, not ${url.protocol}; ${example}.`);
  // Never echo the URL here: its user info may be a password.
  if (url.username !== '' || url.password !== '') {
    throw new TargetError('--url: the URL carries credentials (user:password@); remove them and give each principal\'s token with --token NAME=env:VAR.');
  }
  // The endpoint's path, even if only "/": `http://host:8080` alone names no endpoint.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(text.trim())) {
    throw new TargetError(`--url: give the MCP endpoint's path too, e.g. ${url.origin}/mcp (or ${url.origin}/ if it is served at the root).`);
  }
  url.hash = '';
  return url;
}
