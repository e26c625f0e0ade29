#!/usr/bin/env node
// Checks the relative links of the documentation (README.md and docs/**/*.md,
// or the files given): every target file or directory exists, and every
// #anchor names a heading of its Markdown target. Web links are not fetched.
// Exits 1 listing each broken link as file:line. Run by `pnpm test`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

function markdownFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

/** Lines with fenced code blocks blanked and inline code removed: links there are examples, not links. */
function proseLines(text) {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, '');
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(file) {
  const seen = new Map();
  const out = new Set();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

function check(file) {
  const problems = [];
  const raw = readFileSync(file, 'utf8').split('\n');
  proseLines(raw.join('\n')).forEach((line, i) => {
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path, anchor] = target.split('#', 2);
      const dest = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      const where = `${relative(repo, file)}:${i + 1}`;
      if (!existsSync(dest)) {
        problems.push(`${where}: ${target}: ${relative(repo, dest)} does not exist`);
        continue;
      }
      if (anchor && dest.endsWith('.md') && statSync(dest).isFile() && !anchors(dest).has(anchor)) {
        problems.push(`${where}: ${target}: no heading "#${anchor}" in ${relative(repo, dest)}`);
      }
    }
  });
  return problems;
}

const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : [join(repo, 'README.md'), ...markdownFiles(join(repo, 'docs'))];
const problems = files.flatMap(check);
if (problems.length) {
  process.stderr.write(`broken documentation links:\n${problems.map((p) => `  ${p}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(`documentation links: ${files.length} files checked, all targets exist\n`);
