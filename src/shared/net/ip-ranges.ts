/**
 * Which addresses an outgoing request (a webhook delivery) may reach. Only global unicast: ipaddr.js
 * names every special range (loopback, RFC 1918 private, RFC 4193 unique local, link-local with the
 * cloud metadata address 169.254.169.254, carrier-grade NAT, multicast, unspecified, broadcast,
 * reserved, documentation, and IPv6 forms that embed IPv4 such as 6to4, Teredo and NAT64), and
 * anything it does not call `unicast` is refused. An operator may allow ranges or hosts anyway.
 */
import ipaddr from 'ipaddr.js';

export function isIpLiteral(text: string): boolean {
  return ipaddr.isValid(stripBrackets(text));
}

export function isValidCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/** The address as ipaddr.js sees it, IPv4-mapped IPv6 (::ffff:10.0.0.1) turned into the IPv4 it is. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(stripBrackets(address));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed;
}

/** The range ipaddr.js puts the address in (`unicast` for an ordinary public address). */
export function rangeOf(address: string): string {
  return parse(address).range();
}

export function isPublicUnicast(address: string): boolean {
  return rangeOf(address) === 'unicast';
}

export function inAnyCidr(address: string, cidrs: readonly string[]): boolean {
  const parsed = parse(address);
  return cidrs.some((cidr) => {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    const candidate = range.kind() === 'ipv4' && parsed.kind() === 'ipv6' ? null : parsed;
    if (!candidate || candidate.kind() !== range.kind()) return false;
    return candidate.match([range, bits] as never);
  });
}
