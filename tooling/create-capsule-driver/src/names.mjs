// The names a generated driver is written with, from the three the author
// gives: the package name, the resource type and the tool's command.

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const TYPE = /^container\.[a-z0-9_-]+$/;
const TOOL = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
/** Where an agent runs a driver: @capsule/core's PLATFORMS (manifest.ts). */
const PLATFORMS = ['linux', 'sunos', 'freebsd', 'darwin', 'win32', 'any'];

/**
 * The template's placeholders, or the list of what is wrong with the
 * options (each saying what to give instead).
 * @param {{ name?: string, type?: string, tool?: string, platforms?: string[] }} o
 * @returns {{ ok: true, names: Record<string, string> } | { ok: false, problems: string[] }}
 */
export function driverNames(o) {
  const problems = [];
  if (!o.name || !NPM_NAME.test(o.name)) problems.push(`--name: a package name such as capsule-driver-foo (lower case, no spaces), not ${JSON.stringify(o.name ?? '')}`);
  if (!o.type || !TYPE.test(o.type)) problems.push(`--type: container.NAME, such as container.foo, not ${JSON.stringify(o.type ?? '')}`);
  if (!o.tool || !TOOL.test(o.tool)) problems.push(`--tool: the technology's command, such as footool, not ${JSON.stringify(o.tool ?? '')}`);
  for (const p of o.platforms ?? []) if (!PLATFORMS.includes(p)) problems.push(`--platform: one of ${PLATFORMS.join(', ')}, not ${JSON.stringify(p)}`);
  if (problems.length) return { ok: false, problems };
  const short = /** @type {string} */ (o.type).slice('container.'.length);
  const Class = `${short.split(/[-_]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Container`;
  return { ok: true, names: { name: /** @type {string} */ (o.name), type: /** @type {string} */ (o.type), short, tool: /** @type {string} */ (o.tool), Class } };
}

/**
 * The text with every `{{key}}` of `names` replaced; an unknown key is left as it is.
 * @param {string} text
 * @param {Record<string, string>} names
 */
export function fill(text, names) {
  return text.replace(/\{\{(\w+)\}\}/g, (m, k) => names[k] ?? m);
}
