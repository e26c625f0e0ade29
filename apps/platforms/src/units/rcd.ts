// The freebsd agent's rc.d script, /usr/local/etc/rc.d/capsule: `service
// capsule start` runs `nodemgr daemon run` under daemon(8).
//
// Where each choice comes from:
// - `command` is /usr/sbin/daemon, not bin/nodemgr. rc.subr(8) checks a
//   running service by its pidfile and `procname` (default: `command`); a
//   `command` that is a `#!` script is matched as an interpreted one, which
//   wants `command_interpreter` set to what the `#!` line names (rc.subr
//   drops /usr/bin/env and reads `node`) and the whole command line to be
//   exactly "node SCRIPT" or begin with it: `procname` is split on spaces
//   (rc.subr's check_pidfile and _find_processes take it unquoted), so an
//   install prefix with a space would never be found, and `status` and
//   `stop` would say the agent is not running.
// - daemon(8) -P: the pidfile holds the supervisor's pid, whose title
//   ("daemon: capsule[PID]") rc.subr's check matches with procname's default
//   (basename + ":" in _find_processes). -p (the child's pid) would do as
//   well for stopping, but not with -r: a stop would signal the agent and
//   the supervisor would start it again.
// - daemon(8) -r: a dead agent is started again (one second later), as
//   launchd's KeepAlive and SMF's wait model do on the other platforms.
// - Stop: rc.subr's stop is `kill -TERM` of the pidfile's pid, then a wait
//   for that pid (run_rc_command, _run_rc_killcmd); daemon(8) on SIGTERM
//   turns restarting off and sends SIGTERM to its child's pid alone (in
//   supervision mode "daemon catches SIGTERM and forwards it to the child").
//   Neither -p nor -P signals a process group, so both leave the agent's
//   children alone; `nodemgr daemon run` passes SIGTERM to the agent, whose
//   stop leaves the services running, each in its own session.
// - -f then -o: stdin, stdout and stderr to /dev/null, then stdout and
//   stderr appended to /var/log/capsule/agent.log (daemon(8)), which must
//   exist: start_precmd makes /var/log/capsule.
// - capsule_env: /etc/rc runs scripts with PATH=/sbin:/bin:/usr/sbin:/usr/bin
//   and bin/nodemgr runs `#!/usr/bin/env node`; node from packages is in
//   /usr/local/bin (rc.conf(5) ${name}_env, passed by rc.subr with env(1)).
// - REQUIRE: LOGIN (after the network and local file systems) and KEYWORD:
//   shutdown (stopped at shutdown): rc.d(8), rcorder(8), the Porter's
//   Handbook ("rc.d Scripts").
// - The program path is assigned in single quotes and used as
//   "${capsule_program}" inside command_args, which rc.subr evals: any
//   prefix stays one word.
import { shellWord } from './quote.js';
import type { UnitOptions } from './systemd.js';

export function rcdScript(o: UnitOptions): string {
  return `#!/bin/sh
#
# capsule's agent: /usr/local/etc/rc.d/capsule
# Enable with: sysrc capsule_enable=YES
# Stopping it stops the agent only: the services it runs stay up.
#
# PROVIDE: capsule
# REQUIRE: LOGIN
# KEYWORD: shutdown

. /etc/rc.subr

name=capsule
rcvar=capsule_enable
desc="capsule high-availability agent"

load_rc_config $name

: \${capsule_enable:="NO"}
: \${capsule_env:="PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"}

capsule_program=${shellWord(`${o.prefix}/bin/nodemgr`)}
capsule_logdir=/var/log/capsule
pidfile="/var/run/\${name}.pid"
command="/usr/sbin/daemon"
command_args="-r -f -P \${pidfile} -o \${capsule_logdir}/agent.log -t \${name} \\"\\\${capsule_program}\\" daemon run"
start_precmd="capsule_prestart"

capsule_prestart()
{
	mkdir -p "\${capsule_logdir}"
}

run_rc_command "$1"
`;
}
