// The main script of the guest agent's single executable (Node's SEA): one
// binary answers as svcmgr, nodemgr or svcmon (by the name it is run under,
// or a first argument), with no Node installed. Its assets are the CLI and
// the resource drivers of a per-platform build (`payload`, a gzipped file
// list) and its version (`version`); the tree is unpacked on first run into
// $CAPSULE_ROOT/var/lib/capsule/guest-agent/BUILD and run from there, so
// that driver discovery reads package.json files as it does everywhere.
'use strict';
const sea = require('node:sea');
const fs = require('node:fs');
const { basename, dirname, join, relative, isAbsolute, resolve } = require('node:path');
const { gunzipSync } = require('node:zlib');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const PROGRAMS = ['svcmgr', 'nodemgr', 'svcmon'];
/** `VERSION guest-agent BUILD`: what the hypervisor compares before pushing a newer copy. */
const version = sea.getAsset('version', 'utf8').trim();
const build = version.split(' ').pop();

/** Files of the payload: a big-endian u32 index length, the index ([path, mode, size]...), then the bytes in order. */
function unpack(into) {
  const raw = gunzipSync(Buffer.from(sea.getAsset('payload')));
  const indexLength = raw.readUInt32BE(0);
  const index = JSON.parse(raw.subarray(4, 4 + indexLength).toString('utf8'));
  let at = 4 + indexLength;
  for (const [path, mode, size] of index) {
    const file = join(into, path);
    fs.mkdirSync(dirname(file), { recursive: true });
    fs.writeFileSync(file, raw.subarray(at, at + size), { mode });
    at += size;
  }
}

/** The unpacked tree of this build, made once: written aside, then renamed into place, so that a reader never sees half of it. */
function tree() {
  const base = join(process.env.CAPSULE_ROOT || '/', 'var/lib/capsule/guest-agent');
  const dir = join(base, build);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(base, { recursive: true, mode: 0o755 });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    unpack(tmp);
    fs.renameSync(tmp, dir);
  } catch (e) {
    // Another run of the same build unpacked it first: its copy is as good as ours.
    if (!fs.existsSync(dir)) throw e;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // What a first run killed midway left aside (an hour old: not one still writing).
  // A concurrent run may remove one between the listing and the stat: its cleanup is no failure of this run.
  for (const name of fs.readdirSync(base)) {
    if (!name.includes('.tmp-')) continue;
    try {
      const p = join(base, name);
      if (Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return dir;
}

function main() {
  const args = process.argv.slice(2);
  let prog = basename(process.argv[1] || '');
  if (!PROGRAMS.includes(prog)) prog = PROGRAMS.includes(args[0]) ? args.shift() : 'svcmgr';
  if (args.length === 1 && args[0] === '--version') {
    // Answered without unpacking: the hypervisor asks this before every chained action.
    process.stdout.write(`${version}\n`);
    return;
  }
  const dir = tree();
  // The push's trial run: the tree unpacks here and the CLI loads from it (`--version` proves neither).
  if (args.length === 1 && args[0] === '--self-test') args[0] = '--version';
  // A script of this tree run as `process.execPath SCRIPT` (the daemon starts its agent and svcmgr so): run it as node would.
  const script = args[0] && !args[0].startsWith('-') ? resolve(args[0]) : undefined;
  const own = script && !relative(dir, script).startsWith('..') && !isAbsolute(relative(dir, script)) && fs.existsSync(script);
  const entry = own ? script : join(dir, 'cli/dist/bin', `${prog}.js`);
  process.argv = [process.execPath, entry, ...(own ? args.slice(1) : args)];
  // The SEA's own require loads built-in modules only: the tree's launcher, loaded from disk, imports the ESM bundle.
  const launch = join(dir, 'guest-agent-launch.cjs');
  createRequire(launch)(launch)(pathToFileURL(entry).href).catch((e) => {
    process.stderr.write(`${prog}: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}

try {
  main();
} catch (e) {
  process.stderr.write(`capsule guest agent ${version}: cannot unpack into $CAPSULE_ROOT/var/lib/capsule/guest-agent: ${e && e.message ? e.message : e}\n`);
  process.exitCode = 70;
}
