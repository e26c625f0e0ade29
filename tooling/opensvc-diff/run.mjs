#!/usr/bin/env node
// The OpenSVC differential: OpenSVC b2.1 (from its source) and capsule evaluate
// the same service files, keyword by keyword; prints the summary and every
// difference. See README.md beside this file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { apiEvaluator, cliEvaluator } from './capsule.mjs';
import { capsuleView, compareKeyword, KINDS, summarize } from './compare.mjs';
import { classify } from './deliberate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

const { values: opt } = parseArgs({
  options: {
    opensvc: { type: 'string', default: '/work/.mirror/opensvc+opensvc/repo' },
    ref: { type: 'string', default: 'b2.1' },
    svcmgr: { type: 'string' },
    nodename: { type: 'string', default: 'n1' },
    json: { type: 'string' },
    readme: { type: 'string', default: join(repo, 'README.md') },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log('usage: node tooling/opensvc-diff/run.mjs [--opensvc GIT_DIR|TREE] [--ref b2.1] [--svcmgr PATH] [--readme README.md] [--json OUT.json] [--keep]');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'opensvc-diff-'));
const CLUSTER = { name: 'diffclu', id: '0d4b1c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', nodes: `${opt.nodename} n2` };

/** A writable OpenSVC tree: a git directory is archived at --ref, a work tree is used as it is. */
function opensvcTree() {
  if (existsSync(join(opt.opensvc, 'opensvc', 'core'))) return opt.opensvc;
  const tree = join(work, 'opensvc');
  mkdirSync(tree);
  const tar = execFileSync('git', ['-C', opt.opensvc, 'archive', opt.ref], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', tree], { input: tar });
  return tree;
}

function runOpensvc(tree, out) {
  mkdirSync(join(tree, 'etc'), { recursive: true });
  // OpenSVC's {clustername}, {clusterid}, {clusternodes} come from its node.conf; capsule's from the same section below.
  writeFileSync(join(tree, 'etc/node.conf'), `[cluster]\nname = ${CLUSTER.name}\nid = ${CLUSTER.id}\nnodes = ${CLUSTER.nodes}\nsecret = 00000000000000000000000000000000\n`);
  const r = spawnSync('python3', [join(here, 'opensvc_eval.py'), tree, out, opt.nodename], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`opensvc_eval.py failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(readFileSync(join(out, 'opensvc.json'), 'utf8'));
}

/** A CAPSULE_ROOT holding the file and the cluster section OpenSVC got. */
function capsuleRoot(name, file) {
  const root = join(work, 'capsule', name);
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  writeFileSync(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = ${CLUSTER.name}\nid = ${CLUSTER.id}\nnodes = ${CLUSTER.nodes}\n`);
  writeFileSync(join(root, `etc/capsule/${name}.conf`), readFileSync(file));
  return root;
}

const tree = opensvcTree();
const out = join(work, 'files');
const opensvc = runOpensvc(tree, out);
const evaluate = opt.svcmgr ? cliEvaluator(opt.svcmgr) : await apiEvaluator(repo);
const rows = [];
for (const [name, f] of Object.entries(opensvc)) {
  const { evaluated, issues } = await evaluate(capsuleRoot(name, f.file), name, opt.nodename);
  for (const k of f.keywords) {
    const diff = compareKeyword(k, capsuleView(evaluated, issues, k.section, k.keyword));
    rows.push({ file: name, driver: f.type ? `${f.group}.${f.type}` : f.group, section: k.section, keyword: k.keyword, written: k.written, ...(diff ? { diff } : {}) });
  }
}

// The README's "Coming from OpenSVC" section: what it lists is deliberate.
const readmeText = readFileSync(opt.readme, 'utf8');
const readme = readmeText.slice(readmeText.indexOf('## Coming from OpenSVC'), readmeText.indexOf('\n## ', readmeText.indexOf('## Coming from OpenSVC') + 1));
for (const r of rows) {
  const c = classify(r, readme);
  if (c) r.diff.class = c.class;
}
const summary = summarize(rows);
const CLASSES = ['unexplained', 'deliberate-unlisted', 'elsewhere', 'deliberate'];
const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
for (const cls of CLASSES) {
  for (const kind of KINDS) {
    const list = rows.filter((r) => r.diff?.kind === kind && r.diff.class === cls);
    if (!list.length) continue;
    console.log(`\n## ${cls}: ${kind} (${list.length})`);
    for (const r of list) {
      const { opensvc: o, capsule: c } = r.diff;
      console.log(`${r.driver} ${r.keyword} = ${r.written}${o !== undefined ? `\n    opensvc: ${show(o)}` : ''}${c !== undefined ? `\n    capsule: ${show(c)}` : ''}`);
    }
  }
}
const byClass = Object.fromEntries(CLASSES.map((c) => [c, rows.filter((r) => r.diff?.class === c).length]));
console.log(`\nOpenSVC ${opt.ref} vs capsule: ${Object.keys(opensvc).length} files, ${summary.comparisons} comparisons, ${summary.differences} differences`);
console.log(`  by kind: ${KINDS.map((k) => `${k} ${summary.byKind[k]}`).join(', ')}`);
console.log(`  by class: ${CLASSES.map((c) => `${c} ${byClass[c]}`).join(', ')}`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ summary: { ...summary, byClass }, rows }, null, 1) + '\n');
if (opt.keep) console.log(`files kept in ${work}: ${readdirSync(out).join(' ')}`);
else rmSync(work, { recursive: true, force: true });
