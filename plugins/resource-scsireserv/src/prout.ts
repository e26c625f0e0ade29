// sg_persist's PR IN answers (sg3_utils src/sg_persist.c) read into keys. No I/O.

/** `  PR generation=0x2, 2 registered reservation keys follow:` then one `    0x...` a line. */
export function parseKeys(text: string): bigint[] {
  if (/there are NO registered reservation keys/.test(text)) return [];
  return [...text.matchAll(/^\s+(0x[0-9a-fA-F]+)\s*$/gm)].map((m) => BigInt(m[1]!));
}

/** `Reservation follows:` / `    Key=0x...` / `scope: LU_SCOPE,  type: ...`; undefined when none is held. */
export function parseReservation(text: string): { key: bigint; type: string } | undefined {
  const key = /Key=(0x[0-9a-fA-F]+)/.exec(text);
  if (!key) return undefined;
  return { key: BigInt(key[1]!), type: /type:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '' };
}

/** sg_persist prints keys as PRIx64: lower case, no leading zeros. */
export const hexKey = (k: bigint): string => `0x${k.toString(16)}`;
