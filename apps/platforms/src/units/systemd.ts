// The linux agent's systemd unit and its logrotate file (Debian package).
//
// KillMode=process: systemd signals the agent only. The processes of the
// services the agent started (app resources launched through svcmgr) are
// in the unit's cgroup too, and the default (control-group) would kill
// them with the agent: stopping or upgrading the agent must never stop a
// service (systemd.kill(5)). The agent's own stop on SIGTERM leaves
// services as they are (apps/agent/src/main.ts).

export interface UnitOptions {
  /** Where bin/nodemgr is, e.g. /usr (bin/nodemgr under it). */
  prefix: string;
}

/**
 * The program of an ExecStart line (systemd.service(5) "Command lines"):
 * quoted, its % specifiers doubled. systemd refuses a program path with a
 * quote, a backslash or a control character in it (string_is_safe() in
 * its load-fragment.c), so such a prefix is an error here, not a unit
 * that will not load; `$` is literal in the program word.
 */
function program(path: string): string {
  if (/["'\\]/.test(path) || [...path].some((c) => c < ' ' || c === '\x7f')) throw new Error(`systemd cannot run a program from ${JSON.stringify(path)}: install capsule under a path without quotes, backslashes or control characters`);
  return /^[\w./+-]+$/.test(path) ? path : `"${path.replace(/%/g, '%%')}"`;
}

export function systemdUnit(o: UnitOptions): string {
  return `[Unit]
Description=capsule agent: high-availability services and their containers
Documentation=man:nodemgr(8) man:svcmgr(8) man:capsule.conf(5)
Wants=network-online.target
After=network-online.target local-fs.target remote-fs.target
# The agent needs the node's cluster settings: until an administrator has
# written them, the unit is skipped rather than failing in a restart loop.
ConditionPathExists=/etc/capsule/node.conf

[Service]
Type=simple
ExecStart=${program(`${o.prefix}/bin/nodemgr`)} daemon run
# The agent only: the services it runs stay up when it stops or is upgraded.
KillMode=process
KillSignal=SIGTERM
TimeoutStopSec=60
Restart=on-failure
RestartSec=2s
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The agent log, the audit log and each service log (var/lib/capsule/SVC/log).
 * capsule rotates its own logs by size (4 MiB, 3 kept) and opens them per
 * write with O_APPEND, so copytruncate loses nothing: this file adds the
 * weekly, compressed archive an administrator expects from /var/log.
 */
export function logrotateConf(): string {
  return `/var/log/capsule/*.log /var/lib/capsule/*/log {
\tweekly
\trotate 8
\tmaxage 90
\tcompress
\tdelaycompress
\tdateext
\tcopytruncate
\tmissingok
\tnotifempty
\tsu root root
}
`;
}
