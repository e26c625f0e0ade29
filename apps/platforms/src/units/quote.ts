// Quoting shared by the service units: a path as one shell word, text as
// XML character data or attribute value (the SMF manifest, the plist).

/** `s` as one word of a POSIX shell command line: single-quoted unless it is plainly safe. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `s` escaped for XML text and for a double-quoted attribute value. */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
