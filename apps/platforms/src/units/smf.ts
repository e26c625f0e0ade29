// The sunos agent's SMF manifest (svccfg import it, or put it in
// /var/svc/manifest/site/): svc:/application/capsule/agent:default runs
// `nodemgr daemon run` in the foreground and restarts it when it exits.
//
// Where each choice comes from (illumos manual sections; Solaris 11 numbers
// them 1M for 8, 4 for 5 and 5 for 7):
// - startd/duration = child, the "wait" model: svc.startd(8) ("Properties":
//   wait-model services are restarted whenever the child process exits, and
//   that exit is not a fault). The start method is the daemon itself, so it
//   never returns; svc.startd gives a wait-model start method no timeout
//   (illumos usr/src/cmd/svc/startd/method.c), timeout_seconds is only there
//   because service_bundle(5) requires it.
// - stop = :kill: smf_method(7) "Method Tokens": it sends SIGTERM "to all
//   processes in the primary instance contract", and nothing else. After any
//   stop method svc.startd waits for that contract to be empty and SIGKILLs
//   what is left when the stop timeout expires (method.c, "assure that the
//   service contract has emptied"): a stop method that signals only the
//   agent's pid would not spare the rest of the contract, it would only
//   kill it later and harder. So a process survives `svcadm disable` only
//   by not being in the primary contract. The documented way is a process
//   contract of its own: ctrun(1) `-l child` runs a command in a new
//   contract, and when ctrun exits the contract is abandoned, i.e. orphaned
//   with its processes alive, because ctrun sets neither CT_PR_INHERIT
//   (which would hand it to this service's contract, a regent) nor
//   CT_PR_NOORPHAN (process(5)). The agent must therefore start what it
//   starts for a service under ctrun on sunos; setsid(2) or a new process
//   group does not leave a contract. startd/ignore_error does not keep
//   anything alive: it only says which events count as a failure.
// - startd/ignore_error = core,signal all the same: in a wait-model contract
//   these events are fatal (method.c), so a core dump in, or a kill from
//   outside of, one process the agent started would make the kernel kill
//   that process's whole process group (CT_PR_PGRPONLY, process(5)).
// - Dependencies on svc:/milestone/network and svc:/system/filesystem/local,
//   restart_on = none: a restart of either must not bounce the agent
//   (service_bundle(5), smf(7) "Dependencies").
// - PATH: svc.startd gives methods PATH=/usr/sbin:/usr/bin (svc.startd(8)
//   "Environment Variables"); bin/nodemgr runs `#!/usr/bin/env node`, and
//   pkgsrc (SmartOS) and OmniOS extra put node in /opt/local/bin and
//   /opt/ooce/bin. No CAPSULE_ROOT: the agent's root is then /.
// - Output: svc.startd sends a method's stdout and stderr to
//   /var/svc/log/application-capsule-agent:default.log (svc.startd(8) "Logs").
import { shellWord, xmlText } from './quote.js';
import type { UnitOptions } from './systemd.js';

export const SMF_SERVICE = 'application/capsule/agent';

const PATH = '/usr/sbin:/usr/bin:/opt/local/bin:/opt/ooce/bin';

/** An exec method string: a shell command line (run by /sbin/sh -c) in which svc.startd expands `%` tokens first. */
function execMethod(argv: readonly string[]): string {
  return xmlText(argv.map(shellWord).join(' ').replace(/%/g, '%%'));
}

export function smfManifest(o: UnitOptions): string {
  return `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<!--
  capsule's agent: svcadm enable ${SMF_SERVICE}
  Disabling it stops the agent only; the services it runs stay up as long as
  the agent starts them in process contracts of their own (ctrun -l child).
-->
<service_bundle type="manifest" name="capsule-agent">
  <service name="${SMF_SERVICE}" type="service" version="1">
    <create_default_instance enabled="false"/>
    <single_instance/>
    <dependency name="network" grouping="require_all" restart_on="none" type="service">
      <service_fmri value="svc:/milestone/network:default"/>
    </dependency>
    <dependency name="filesystem-local" grouping="require_all" restart_on="none" type="service">
      <service_fmri value="svc:/system/filesystem/local:default"/>
    </dependency>
    <method_context working_directory="/">
      <method_environment>
        <envvar name="PATH" value="${PATH}"/>
      </method_environment>
    </method_context>
    <exec_method type="method" name="start" exec="${execMethod([`${o.prefix}/bin/nodemgr`, 'daemon', 'run'])}" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="child"/>
      <propval name="ignore_error" type="astring" value="core,signal"/>
    </property_group>
    <stability value="Unstable"/>
    <template>
      <common_name>
        <loctext xml:lang="C">capsule high-availability agent</loctext>
      </common_name>
      <documentation>
        <manpage title="nodemgr" section="8"/>
      </documentation>
    </template>
  </service>
</service_bundle>
`;
}
