// `--param SECTION.KEYWORD[@SCOPE]`, as svcmgr and nodemgr take it. Section
// names hold dots and `#` (fs#1, driver.kvm) and scopes hold dots
// (addr@hv1.example.com): the section is what comes before the last dot
// ahead of the `@`.
import { CapsuleError } from '@capsule/core/errors';

export interface Param {
  section: string;
  key: string;
}

/** `fs#1.mnt@hv1` -> fs#1, mnt@hv1; a bare keyword is in `bare` (DEFAULT for a service file), or refused without one. */
export function parseParam(param: unknown, example: string, bare?: string): Param {
  const usage = (message: string) => new CapsuleError('UsageError', message, { hint: `name the keyword as SECTION.KEYWORD, for example --param ${example}${bare ? ` (${bare} when no section)` : ''}` });
  if (typeof param !== 'string' || param === '') throw usage('no --param given');
  const at = param.indexOf('@');
  const head = at < 0 ? param : param.slice(0, at);
  const dot = head.lastIndexOf('.');
  if (dot < 0) {
    if (bare === undefined) throw usage(`--param ${param} names no section`);
    return { section: bare, key: param };
  }
  const p = { section: param.slice(0, dot), key: param.slice(dot + 1) };
  if (p.section === '' || p.key === '' || p.key.startsWith('@')) throw usage(`--param ${param} names no ${p.section === '' ? 'section' : 'keyword'}`);
  return p;
}
