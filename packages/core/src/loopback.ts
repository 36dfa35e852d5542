import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether an IP address (as `dns.lookup` returns it, no brackets) is this machine's loopback:
 * `127.0.0.0/8`, `::1` in any spelling, or an IPv4-mapped loopback (`::ffff:127.0.0.1`). Anything that
 * is not an IP address, `localhost` included, is not.
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether a URL hostname names this machine: `localhost`, or a loopback address ({@link isLoopbackAddress}), bracketed or not. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return true;
  return isLoopbackAddress(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
}
