import { checkPlacement } from './placement.js';

const sets = (nodes: string[], drpnodes: string[] = [], encapnodes: string[] = []) => ({ nodes, drpnodes, encapnodes, flex_primary: nodes[0] ?? '', drp_flex_primary: drpnodes[0] ?? '' });

test.each<[string, string, ReturnType<typeof sets>, boolean, boolean]>([
  ['a node of nodes', 'hv1', sets(['hv1', 'hv2']), false, true],
  ['a drp node', 'dr1', sets(['hv1'], ['dr1']), false, true],
  ['a container of encapnodes (encap level)', 'vm1', sets(['vm1'], [], ['vm1']), false, true],
  ['another node', 'hv3', sets(['hv1', 'hv2']), false, false],
  ['another node with --force', 'hv3', sets(['hv1', 'hv2']), true, true],
])('%s may run actions: %s', (_w, nodename, s, force, ok) => {
  const run = () => checkPlacement({ svcname: 'web1', nodename, sets: s }, 'start', force);
  if (ok) expect(run).not.toThrow();
  else expect(run).toThrow(expect.objectContaining({ code: 'NotAServiceNode', message: 'web1 runs on hv1, hv2, not on hv3: start refused' }));
});
