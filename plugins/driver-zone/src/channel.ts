// The guest channel of a zone. zlogin joins its arguments with spaces into
// one string that the zone's shell runs, so argv boundaries would be lost
// (`sh -c 'cat; exit 3'` would become `sh -c cat; exit 3`). The prefix is a
// small POSIX sh on the host that quotes each argument for the zone's shell
// and hands zlogin the one quoted string: the command in the zone gets the
// exact argv, stdin and exit status of the caller's.
import type { GuestChannel } from '@capsule/core';

// The trailing x keeps an argument's final newlines, which $(...) strips.
const QUOTE_ARGS = `z=$0; c=; for a; do q=$(printf '%sx' "$a" | sed "s/'/'\\\\\\\\''/g"); c="$c '\${q%x}'"; done; exec zlogin -S "$z" "$c"`;

/** `zlogin -S` (safe mode: no login scripts in the way of the agent) with the arguments quoted. */
export function zloginChannel(zone: string): GuestChannel {
  return { kind: 'native', prefix: ['/bin/sh', '-c', QUOTE_ARGS, zone] };
}
