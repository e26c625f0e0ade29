// Parses /proc/self/mountinfo (proc(5)): which source is mounted where.
export interface Mount {
  mountpoint: string;
  fstype: string;
  source: string;
}

/** Octal escapes for space, tab, newline and backslash. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 6 || fields.length < sep + 3) continue;
    mounts.push({ mountpoint: unescape(fields[4]!), fstype: fields[sep + 1]!, source: unescape(fields[sep + 2]!) });
  }
  return mounts;
}
