// The darwin agent's launchd job, /Library/LaunchDaemons/org.capsule.agent.plist
// (root:wheel, mode 644; launchctl bootstrap system PLIST): `nodemgr daemon
// run` in the foreground, started at boot and again whenever it exits.
//
// Where each choice comes from (launchd.plist(5) unless said otherwise):
// - The file is named after its Label ("expected convention ... <Label>.plist").
// - ProgramArguments, no Program: argv[0] is the program; no shell runs it,
//   so a prefix with spaces needs no quoting.
// - RunAtLoad and KeepAlive = true: started when loaded (at boot for a
//   daemon) and "kept alive" whatever way it exits; `launchctl bootout`
//   stops it for good.
// - AbandonProcessGroup = true: "When a job dies, launchd kills any
//   remaining processes with the same process group ID as the job. Setting
//   this key to true disables that behavior." Stopping the agent must not
//   take a service with it. The agent starts actions in process groups of
//   their own, so this is the second guard, not the only one.
// - ExitTimeOut = 60: the time between launchd's SIGTERM and its SIGKILL
//   when the job is stopped (default 20 s): the agent's own stop, as the
//   linux unit's TimeoutStopSec and the SMF stop method's timeout.
// - StandardOutPath and StandardErrorPath: launchd otherwise sends both to
//   /dev/null; /var/log/capsule/agent.log is where `nodemgr daemon start`
//   writes. launchd does not make the directory: installing makes it.
// - EnvironmentVariables PATH: launchd runs daemons with
//   PATH=/usr/bin:/bin:/usr/sbin:/sbin (launchctl(1), `config system path`)
//   and bin/nodemgr runs `#!/usr/bin/env node`; Homebrew puts node in
//   /opt/homebrew/bin (arm64) or /usr/local/bin (x86_64).
import { xmlText } from './quote.js';
import type { UnitOptions } from './systemd.js';

export const LAUNCHD_LABEL = 'org.capsule.agent';

const PATH = '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';
const LOG = '/var/log/capsule/agent.log';

export function launchdPlist(o: UnitOptions): string {
  const str = (s: string): string => `<string>${xmlText(s)}</string>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- capsule's agent: /Library/LaunchDaemons/${LAUNCHD_LABEL}.plist
     Stopping it (launchctl bootout system/${LAUNCHD_LABEL}) stops the agent only:
     the services it runs stay up. -->
<plist version="1.0">
<dict>
\t<key>Label</key>
\t${str(LAUNCHD_LABEL)}
\t<key>ProgramArguments</key>
\t<array>
\t\t${str(`${o.prefix}/bin/nodemgr`)}
\t\t${str('daemon')}
\t\t${str('run')}
\t</array>
\t<key>EnvironmentVariables</key>
\t<dict>
\t\t<key>PATH</key>
\t\t${str(PATH)}
\t</dict>
\t<key>RunAtLoad</key>
\t<true/>
\t<key>KeepAlive</key>
\t<true/>
\t<key>AbandonProcessGroup</key>
\t<true/>
\t<key>ExitTimeOut</key>
\t<integer>60</integer>
\t<key>StandardOutPath</key>
\t${str(LOG)}
\t<key>StandardErrorPath</key>
\t${str(LOG)}
</dict>
</plist>
`;
}
