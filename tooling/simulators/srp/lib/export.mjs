// The exchange file of `srp -export` / `srp -import`: the container's
// configuration as variables, in XML as srp writes it.

const KEYS = ['srp_name', 'template', 'type', 'subtype', 'rootpath', 'ip_address', 'autostart', 'prm_cores'];

export function exportXml(name, c) {
  const values = { srp_name: name, template: c.type ?? 'system', type: c.type ?? 'system', subtype: c.subtype ?? 'private', rootpath: c.rootpath, ip_address: c.ip ?? '', autostart: c.autostart ?? 'no', prm_cores: String(c.prm_cores ?? 1) };
  const vars = KEYS.map((k) => `    <variable name="${k}" value="${String(values[k]).replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<srp_export version="A.03.01">\n  <container name="${name}">\n${vars.join('\n')}\n  </container>\n</srp_export>\n`;
}

/** The variables of an export file, or undefined when it is not one. */
export function importXml(text) {
  if (!/<srp_export\b/.test(text)) return undefined;
  const vars = Object.fromEntries([...text.matchAll(/<variable name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))]));
  return vars.srp_name ? vars : undefined;
}
