import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/**
 * Where supplier webhooks may go: public unicast addresses only, unless the config lists
 * the private network (a demo receiver on loopback, a supplier's VPN). A supplier URL must
 * never make the backend POST signed bodies to its own host, the store LAN or a cloud
 * metadata service.
 */
export class DestinationPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  /** `allowedNetworks`: CIDRs allowed although not public, e.g. "127.0.0.1/32". Throws on a bad CIDR. */
  constructor(allowedNetworks: readonly string[] = []) {
    this.allowed = allowedNetworks.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** Null when the address may be connected to, else why not ("loopback", "private", ...). */
  refusal(address: string): string | null {
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return null;
    const range = ip.range();
    return range === 'unicast' ? null : range;
  }

  /** The URL's host if it is an IP literal and refused; hostnames are checked when resolved. */
  literalRefusal(url: URL): string | null {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return isIP(host) ? this.refusal(host) : null;
  }

  /**
   * An HTTP dispatcher whose DNS lookups fail for refused addresses. The socket connects to
   * the address the lookup returned, so the address checked is the one connected to: a
   * name that resolves to a public address when the URL is checked and to 127.0.0.1 when
   * the request goes out (DNS rebinding) is still refused.
   */
  dispatcher(): Agent {
    const lookup = (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, []);
        const refused = addresses.map((a) => ({ a, why: this.refusal(a.address) })).find((r) => r.why !== null);
        if (refused) return callback(Object.assign(new Error(`refused destination: ${hostname} resolves to ${refused.a.address} (${refused.why})`), { code: 'EREFUSEDDESTINATION' }), []);
        if (options.all) return callback(null, addresses);
        const first = addresses[0]!;
        return callback(null, first.address, first.family);
      });
    };
    return new Agent({ connect: { lookup } });
  }
}
