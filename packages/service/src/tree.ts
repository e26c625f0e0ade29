// `print status`: the status tree. Columns (OpenSVC layout): the name column
// ends at 21 characters from the line start whatever the depth, then 4 flag
// characters, a space, the status padded to 9, then the label; log lines sit
// under the label.
import { ACCESSORY_GROUPS, START_ORDER } from './groups.js';
import { sortResources } from './aggregate.js';
import type { ResourceStatusEntry, ServiceStatus } from './status-schema.js';

const NAME_END = 21;
const LABEL_COL = NAME_END + 4 + 1 + 9;

interface Node {
  name: string;
  flags?: string;
  status: string;
  label?: string;
  log?: string[];
  children?: Node[];
}

function line(prefix: string, n: Node): string {
  const head = prefix + n.name;
  const name = head.length < NAME_END ? head.padEnd(NAME_END) : `${head} `;
  return `${name}${(n.flags ?? '').padEnd(4)} ${n.status.padEnd(9)}${n.label ?? ''}`.trimEnd();
}

function render(nodes: Node[], indent: string, out: string[]): void {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    out.push(line(`${indent}${last ? "'- " : '|- '}`, n));
    const childIndent = `${indent}${last ? '   ' : '|  '}`;
    for (const l of n.log ?? []) out.push(`${(childIndent + (n.children?.length ? '|' : '')).padEnd(LABEL_COL)}${l}`);
    if (n.children?.length) render(n.children, childIndent, out);
  });
}

function resourceNode(r: ResourceStatusEntry, encap = false): Node {
  const flags = encap ? `${r.flags.slice(0, 3)}E` : r.flags;
  return { name: r.rid, flags, status: r.status, label: r.label, log: r.log };
}

export function renderStatusTree(s: ServiceStatus): string {
  const resources = sortResources(Object.values(s.resources));
  const avail: Node[] = resources
    .filter((r) => (START_ORDER as readonly string[]).includes(r.group))
    .map((r) => {
      const node = resourceNode(r);
      const guest = s.encap[r.rid];
      if (guest) {
        node.children = sortResources(Object.values(guest.resources)).map((g) => resourceNode(g, true));
        if (guest.error) node.log = [...(node.log ?? []), `warn: ${guest.error}`];
        if (guest.elsewhere) node.log = [...(node.log ?? []), `standby: the encapsulated service runs in ${guest.elsewhere}`];
      }
      return node;
    });
  const top: Node[] = [{ name: 'avail', status: s.avail, children: avail }];
  for (const g of ACCESSORY_GROUPS) {
    const members = resources.filter((r) => r.group === g);
    if (members.length || g === 'hb') top.push({ name: g, status: s.groups[g] ?? 'n/a', children: members.map((r) => resourceNode(r)) });
  }
  const out = [line('', { name: s.svcname, status: s.overall, label: s.frozen ? 'frozen' : '' }), line('', { name: 'overall', status: s.overall })];
  render(top, '', out);
  return out.join('\n') + '\n';
}

export { sanitize } from './sanitize.js';
