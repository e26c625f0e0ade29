// The agent's web status page in a real headless Chromium (Debian's
// chromium, driven by playwright-core): it loads from the agent alone,
// asks for a token, shows web on hv1 and its resource tree, reflects a
// status change made outside the page without a reload, and stops web
// from the page after a confirmation. A screenshot is kept in
// test/artifacts/ (docs/images/web-status.png is one, linked from the
// README).
import { until } from '@capsule/testenv';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ClusterResponse } from '@capsule/api';
import { ServiceStatus } from '@capsule/service/status-schema';
import { ADMIN, ApiNode } from './api-node.js';
import { cli } from './cli.js';

const T = 90_000;
const CHROMIUM = '/usr/bin/chromium';
let node: ApiNode;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/bootstrap does)`);
  node = await ApiNode.start(23, T);
  // Root runs the tests here: Chromium's sandbox refuses root.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 600 } });
  page = await context.newPage();
}, T);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, T);

const cell = () => page.locator('td[data-node="hv1"][data-service="web"]');

test('the page loads from the agent, asks for a token, and shows web up on hv1 with its resource tree', async () => {
  await page.goto(`${node.url}/`);
  await page.getByLabel('API token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#svc-web').waitFor();
  await until('web up in the grid', async () => (await cell().textContent())?.startsWith('up'), T);
  await page.getByRole('button', { name: 'web', exact: true }).click();
  await page.locator('#tree li[data-rid="app#0"]').waitFor();
  expect(await page.locator('#tree li[data-rid="app#0"]').textContent()).toMatch(/^app#0\s+\S{4} up/);
  await mkdir(join(process.cwd(), 'test/artifacts'), { recursive: true });
  await page.screenshot({ path: join(process.cwd(), 'test/artifacts/web-status.png'), fullPage: true });
}, T);

test('an encapsulated service: its resources are folded under their container, flagged E, as print status shows them', async () => {
  // The status of a service with a container and its guest's resources, as json status gives it (checked by its schema);
  // the page's rendering of it is what is tested here, the encapsulation itself is tested for real in encap.test.ts.
  const real = (await node.call({ unix: true, path: '/api/v1/services/web/status' })).json() as Record<string, unknown>;
  const res = (rid: string, label: string) => ({ rid, group: rid.split('#')[0]!, status: 'up', label, flags: '....', log: [], standby: false, tags: [] });
  const encap = ServiceStatus.parse({
    ...real,
    resources: { 'container#0': res('container#0', 'lxc vm1'), ...(real['resources'] as object) },
    encap: { 'container#0': { guest: 'vm1', overall: 'up', avail: 'up', resources: { 'app#1': res('app#1', 'inside vm1') } } },
  });
  await page.route('**/api/v1/services/web/status', (route) => route.fulfill({ json: encap }));
  try {
    await page.getByRole('button', { name: 'web', exact: true }).click();
    await page.getByRole('button', { name: 'web', exact: true }).click();
    const inner = page.locator('#tree li[data-rid="container#0"] ul[aria-label="encapsulated in vm1"] li[data-rid="app#1"]');
    await inner.waitFor();
    expect(await inner.textContent()).toMatch(/^app#1\s+\.\.\.E up inside vm1$/);
  } finally {
    await page.unroute('**/api/v1/services/web/status');
  }
}, T);

test('a copy of the config older than the newest generation any node holds is marked behind', async () => {
  // A second node's instance at an older generation, in the cluster view (checked by its schema): the page's reading of
  // generations is what is tested here; replication itself is tested for real in cluster-config.test.ts.
  const real = ClusterResponse.parse((await node.call({ unix: true, path: '/api/v1/cluster' })).json());
  const web = real.services['web']!;
  const hv1 = web.instances['hv1']!;
  const view = ClusterResponse.parse({
    ...real,
    nodes: [...real.nodes, { name: 'hv2', alive: true, frozen: false }],
    services: { ...real.services, web: { ...web, nodes: ['hv1', 'hv2'], instances: { hv1: { ...hv1, generation: 4 }, hv2: { ...hv1, avail: 'down', overall: 'down', generation: 3 } } } },
  });
  await page.route('**/api/v1/cluster', (route) => route.fulfill({ json: view }));
  try {
    await page.reload();
    const hv2 = page.locator('td[data-node="hv2"][data-service="web"]');
    await hv2.waitFor();
    expect(await hv2.textContent()).toContain('config behind');
    expect(await cell().textContent()).not.toContain('config behind');
  } finally {
    await page.unroute('**/api/v1/cluster');
    await page.reload();
    await page.locator('#svc-web').waitFor();
  }
}, T);

test('a status change made elsewhere shows without a reload', async () => {
  const navigations: string[] = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  const before = Date.now();
  expect(cli('svcmgr', ['-s', 'web', 'freeze'], node.env).code).toBe(0);
  const asked = Date.now();
  await until('web shown frozen', async () => (await cell().textContent())?.includes('frozen'), T);
  // A figure for the note, not a check: a test never asserts a duration.
  process.stdout.write(`web frozen by svcmgr (${asked - before} ms), shown on the page ${Date.now() - asked} ms after svcmgr returned\n`);
  expect(navigations).toEqual([]);
  expect(cli('svcmgr', ['-s', 'web', 'thaw'], node.env).code).toBe(0);
  await until('web shown thawed', async () => !(await cell().textContent())?.includes('frozen'), T);
}, T);

test('stop from the page, confirmed: web stops', async () => {
  // Selected by an earlier test, unless a reload since cleared it.
  if (!(await page.locator('#detail').isVisible())) await page.getByRole('button', { name: 'web', exact: true }).click();
  await page.locator('#actions').getByRole('button', { name: 'stop' }).click();
  await page.getByText('stop web?').waitFor();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await until('web stopped', () => !node.webUp, T);
  await until('web down in the grid', async () => (await cell().textContent())?.startsWith('down'), T);
  await page.locator('#events li', { hasText: 'stop web ended, exit 0 (api: ops (admin))' }).waitFor();
}, T);
