// The agent's web status page: services by nodes, a service's resource
// tree with the encapsulated resources folded under their containers (as
// `print status` shows them), kept live by the event stream, and actions
// behind a confirmation. Plain DOM, no framework, nothing from a CDN: the
// agent serves this file from its own build. The token is kept for the
// tab's life (sessionStorage) and sent as a bearer token: the event stream
// is read with fetch, since EventSource cannot send one.
import type { ClusterResponse, Event } from '@capsule/api';
import { sseReader } from '@capsule/api/sse';

interface Resource {
  rid: string;
  status: string;
  label: string;
  flags: string;
}
interface Status {
  avail: string;
  overall: string;
  frozen: boolean;
  resources: Record<string, Resource>;
  encap: Record<string, { guest: string; avail: string; resources: Record<string, Resource>; error?: string }>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
/** An element with its properties (`data` as data-* attributes: dataset itself cannot be assigned) and children. */
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { data?: Record<string, string> } = {}, ...children: Array<Node | string>) => {
  const { data, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  for (const [k, v] of Object.entries(data ?? {})) e.dataset[k] = v;
  e.append(...children);
  return e;
};

let token = sessionStorage.getItem('capsule-token') ?? '';
let cluster: ClusterResponse | undefined;
let selected: string | undefined;
const statuses = new Map<string, Status>();

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const r = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  if (r.status === 401) {
    signOut('the token was refused');
    throw new Error('unauthenticated');
  }
  return r;
}

function signOut(why: string): void {
  sessionStorage.removeItem('capsule-token');
  token = '';
  $('board').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = why;
  $('token').focus();
}

const avail = (a: string) => el('span', { className: `avail-${a}` }, a);

function renderGrid(): void {
  if (!cluster) return;
  $('where').textContent = `${cluster.cluster} from ${cluster.node}`;
  $('quorum').textContent = `${cluster.quorum.quorum ? 'quorum' : 'NO QUORUM'}: ${cluster.quorum.reason}`;
  $('grid-head').replaceChildren(
    el('th', { scope: 'col' }, 'service'),
    ...cluster.nodes.map((n) => el('th', { scope: 'col' }, n.name, n.alive ? '' : el('span', { className: 'tag', title: n.reason ?? '' }, 'lost'), n.frozen ? el('span', { className: 'tag' }, 'frozen') : '')),
  );
  $('grid-body').replaceChildren(
    ...Object.entries(cluster.services).map(([name, s]) =>
      el(
        'tr',
        { id: `svc-${name}` },
        el('th', { scope: 'row' }, el('button', { type: 'button', onclick: () => void select(name), ariaExpanded: String(selected === name) }, name), el('span', { className: 'tag' }, s.topology), s.target ? el('span', { className: 'tag' }, `target ${s.target}`) : ''),
        ...cluster!.nodes.map((n) => {
          const i = s.instances[n.name];
          // The config state: a copy older than the newest generation any node holds is behind (replication catches it up).
          const newest = Math.max(0, ...Object.values(s.instances).map((x) => x.generation ?? 0));
          const cell = el('td', { data: { node: n.name, service: name } });
          if (i) cell.append(avail(i.avail), i.overall !== i.avail ? el('span', { className: 'tag' }, i.overall) : '', i.frozen ? el('span', { className: 'tag' }, 'frozen') : '', i.startFailed ? el('span', { className: 'tag' }, 'start failed') : '', (i.generation ?? 0) < newest ? el('span', { className: 'tag', title: `generation ${i.generation} of ${newest}` }, 'config behind') : '', i.kept ? el('span', { className: 'tag' }, `${i.kept} kept`) : '');
          else cell.append(s.nodes.includes(n.name) ? '-' : '');
          return cell;
        }),
      ),
    ),
  );
}

function resourceLine(r: Resource, encap = false): HTMLLIElement {
  return el('li', { data: { rid: r.rid } }, `${r.rid.padEnd(14)} ${encap ? `${r.flags.slice(0, 3)}E` : r.flags} `, avail(r.status), ` ${r.label}`);
}

function renderDetail(): void {
  const s = selected ? statuses.get(selected) : undefined;
  $('detail').hidden = !selected;
  if (!selected) return;
  $('detail-title').replaceChildren(`${selected} on ${cluster?.node ?? ''}: `, s ? avail(s.avail) : 'reading...', s?.frozen ? el('span', { className: 'tag' }, 'frozen') : '');
  $('tree').replaceChildren(
    ...Object.values(s?.resources ?? {}).map((r) => {
      const li = resourceLine(r);
      const e = s!.encap[r.rid];
      if (e) li.append(el('ul', { ariaLabel: `encapsulated in ${e.guest}` }, ...(e.error ? [el('li', {}, `${e.guest}: ${e.error}`)] : Object.values(e.resources).map((x) => resourceLine(x, true)))));
      return li;
    }),
  );
  const nodes = cluster?.services[selected]?.nodes ?? [];
  $('actions').replaceChildren(...(['start', 'stop', 'switch', 'freeze', 'thaw'] as const).map((a) => el('button', { type: 'button', onclick: () => confirmAction(selected!, a, nodes) }, a)));
}

async function refreshStatus(name: string): Promise<void> {
  const r = await api(`/api/v1/services/${encodeURIComponent(name)}/status`);
  if (r.ok) statuses.set(name, (await r.json()) as Status);
  if (name === selected) renderDetail();
}

async function select(name: string): Promise<void> {
  selected = selected === name ? undefined : name;
  renderGrid();
  renderDetail();
  if (selected) await refreshStatus(selected);
}

function confirmAction(service: string, action: string, nodes: readonly string[]): void {
  const d = $<HTMLDialogElement>('confirm');
  const to = $<HTMLSelectElement>('confirm-to');
  $('confirm-text').textContent = `${action} ${service}?`;
  to.hidden = $('confirm-to-label').hidden = action !== 'switch';
  to.replaceChildren(...nodes.filter((n) => n !== cluster?.node).map((n) => el('option', { value: n }, n)));
  d.onclose = () => {
    if (d.returnValue !== 'ok') return;
    void api(`/api/v1/services/${encodeURIComponent(service)}/actions/${action}`, { method: 'POST', body: JSON.stringify(action === 'switch' ? { to: to.value } : {}) }).then(async (r) => {
      if (!r.ok) note(`${action} ${service} refused: ${((await r.json()) as { error: { message: string } }).error.message}`);
    });
  };
  d.showModal();
  $('confirm-ok').focus();
}

function note(text: string): void {
  const list = $('events');
  list.prepend(el('li', {}, text));
  while (list.children.length > 50) list.lastElementChild!.remove();
}

/** One event into the page's state, and what it changes redrawn. */
function apply(e: Event): void {
  if (!cluster) return;
  switch (e.kind) {
    case 'status': {
      const s = cluster.services[e.service];
      if (!s) return void load();
      const was = s.instances[e.node];
      s.instances[e.node] = { ...(was ?? { csum: '', mtime: 0, generation: 0 }), avail: e.avail as never, overall: e.overall, frozen: e.frozen, startFailed: e.startFailed, ...(e.target ? { target: e.target } : {}), ...(e.generation !== undefined ? { generation: e.generation } : {}) };
      if (e.target) s.target = e.target;
      s.placement = Object.entries(s.instances).filter(([, i]) => ['up', 'warn', 'starting', 'stopping'].includes(i.avail)).map(([n]) => n);
      if (e.service === selected && e.node === cluster.node) void refreshStatus(e.service);
      break;
    }
    case 'status-gone':
      delete cluster.services[e.service]?.instances[e.node];
      break;
    case 'node': {
      const n = cluster.nodes.find((x) => x.name === e.node);
      if (n) Object.assign(n, { alive: e.state === 'back', reason: e.reason });
      note(`${e.at.slice(11, 19)} ${e.node} ${e.state}${e.reason ? `: ${e.reason}` : ''}`);
      break;
    }
    case 'quorum':
      cluster.quorum = { quorum: e.quorum, reason: e.reason };
      break;
    case 'action':
      note(`${e.at.slice(11, 19)} ${e.action} ${e.service} ${e.phase === 'begin' ? 'begun' : `ended, exit ${e.code}`} (${e.by})`);
      if (e.phase === 'end') void refreshStatus(e.service);
      break;
    case 'decision':
    case 'config':
      break;
  }
  renderGrid();
}

/** Reads the event stream until it ends, then reloads everything and reads it again. */
async function follow(): Promise<void> {
  for (;;) {
    try {
      const r = await api('/api/v1/events');
      const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
      const read = sseReader((json) => apply(JSON.parse(json) as Event));
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        read(value);
      }
    } catch (e) {
      if (!token) return;
      note(`event stream: ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
    await load();
  }
}

async function load(): Promise<void> {
  const r = await api('/api/v1/cluster');
  cluster = (await r.json()) as ClusterResponse;
  $('login').hidden = true;
  $('board').hidden = false;
  renderGrid();
  if (selected) await refreshStatus(selected);
}

$<HTMLFormElement>('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  token = $<HTMLInputElement>('token').value.trim();
  sessionStorage.setItem('capsule-token', token);
  void load().then(() => follow(), () => undefined);
});

if (token) void load().then(() => follow(), () => undefined);
else signOut('');
