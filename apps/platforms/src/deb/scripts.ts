// The Debian package's maintainer scripts. The rule they keep: a package
// operation never starts or stops a service capsule runs. It may stop and
// start the agent, whose stop leaves every service as it is (the unit's
// KillMode=process, see units/systemd.ts), so an upgrade is one agent
// restart after the new files are in place, never a service restart.
// Without systemd (a chroot, a container without an init) they touch no
// process at all: the administrator runs the agent.

const HEADER = '#!/bin/sh\nset -e\n';
const SYSTEMD = '[ -d /run/systemd/system ]';

export function postinst(): string {
  return `${HEADER}# $1 = configure, $2 = the version configured before (empty on a first install).
if [ "$1" = configure ]; then
  # Service files may hold settings an administrator keeps private: root only.
  install -d -m 0700 /etc/capsule
  chmod 0700 /etc/capsule
  install -d -m 0755 /var/lib/capsule /var/log/capsule
  # Drivers added with 'nodemgr driver add' link capsule's own packages, in the version directory just replaced.
  nodemgr driver relink >/dev/null || echo "capsule: 'nodemgr driver relink' failed: run it by hand before using added drivers"
  if ${SYSTEMD}; then
    systemctl --system daemon-reload >/dev/null 2>&1 || true
    if [ -z "$2" ]; then
      systemctl enable capsule.service >/dev/null 2>&1 || true
      systemctl start capsule.service || true
      [ -e /etc/capsule/node.conf ] || echo "capsule: write /etc/capsule/node.conf ([cluster] nodes, secret_file), then: systemctl start capsule"
    elif systemctl -q is-enabled capsule.service 2>/dev/null; then
      # The upgraded agent: the services it runs are not touched.
      systemctl restart capsule.service || true
    fi
  elif [ -z "$2" ]; then
    echo "capsule: no systemd here: run the agent with 'nodemgr daemon start'"
  fi
fi
exit 0
`;
}

export function prerm(): string {
  return `${HEADER}# On remove the agent stops (the services it runs stay up); on upgrade it
# runs on until postinst restarts it on the new files.
if [ "$1" = remove ] && ${SYSTEMD}; then
  systemctl stop capsule.service || true
fi
exit 0
`;
}

export function postrm(): string {
  return `${HEADER}# remove keeps the enablement, the configuration and the state, as Debian's
# own service packages do; purge forgets the agent, its logs and the
# drivers added with 'nodemgr driver add'. Service files and their state
# (/etc/capsule, /var/lib/capsule) are the administrator's: kept, and said so.
if ${SYSTEMD}; then systemctl --system daemon-reload >/dev/null 2>&1 || true; fi
if [ "$1" = purge ]; then
  # The unit file is gone already: systemctl disable cannot find it; its enablement link is removed by hand.
  rm -f /etc/systemd/system/multi-user.target.wants/capsule.service
  rm -rf /var/log/capsule /usr/lib/capsule/drivers /var/run/capsule
  rmdir /usr/lib/capsule 2>/dev/null || true
  if [ -d /etc/capsule ] || [ -d /var/lib/capsule ]; then
    echo "capsule: /etc/capsule and /var/lib/capsule are kept (service files and state): remove them by hand"
  fi
fi
exit 0
`;
}
