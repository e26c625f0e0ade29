// argv to one command line for the remote shell (ssh runs `$SHELL -c LINE`):
// every word single-quoted, so nothing in it is expanded there.
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
