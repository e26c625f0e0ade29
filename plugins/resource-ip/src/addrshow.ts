// Reads `ip -o addr show` (one line per address) and picks alias labels
// (ipdev:N) the way OpenSVC's ifconfig layer does: the lowest free N from 1.

export interface AddrLine {
  dev: string;
  family: 4 | 6;
  addr: string;
  /** IPv4 only: the label (the device name, or an alias like eth0:1). */
  label?: string;
}

/** An interface name or label is at most IFNAMSIZ - 1 characters. */
export const IFNAMSIZ = 16;

export function parseAddrShow(text: string): AddrLine[] {
  const out: AddrLine[] = [];
  for (const line of text.split('\n')) {
    // "2: eth0    inet 198.51.100.5/24 brd 198.51.100.255 scope global secondary eth0:1\       valid_lft forever ..."
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+([^/\s]+)\/\d+(.*?)(?:\\|$)/.exec(line);
    if (!m) continue;
    const family = m[2] === 'inet' ? 4 : 6;
    // iproute2 prints an IPv4 address's label last (print_addrinfo); IPv6 addresses have none.
    const label = family === 4 ? m[4]!.trim().split(/\s+/).pop() : undefined;
    out.push({ dev: m[1]!, family, addr: m[3]!, ...(label ? { label } : {}) });
  }
  return out;
}

/** `dev:N`, N the lowest from 1 that no address of `dev` carries. */
export function nextAliasLabel(dev: string, lines: readonly AddrLine[]): string {
  const used = new Set(lines.filter((l) => l.dev === dev).map((l) => l.label));
  let n = 1;
  while (used.has(`${dev}:${n}`)) n++;
  return `${dev}:${n}`;
}
