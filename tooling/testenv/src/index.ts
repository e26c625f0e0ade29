// Public API of @capsule/testenv.
export { TestNetwork, pidInNamespace, type TestHost, type TestSwitch } from './netns.js';
export { sh, uniqueName, until } from './run.js';
export { processGone, processesWithEnv, killProcessesWithEnv } from './procs.js';
export { TestContainers, REPO_ROOT, type TestContainer } from './lxc.js';
export { testContext, testContainerContext, testInit, quietLog } from './driver.js';
export { startSshd, sshdOptions, CLEAN_SHELL, type TestSshd, type SshdOptions } from './sshd.js';
export { switchedSshd, wireGuestPower, SshGuests, type SwitchedSshd, type SwitchedSshdOptions } from './managed.js';
export { simulatorBin, simulatorPath, simulatorExec, simulatedSshFixture, SimulatedDriverTest, type SimulatedHost, type SimulatedSshGuest, type SimulatedSshFixtureOptions } from './simulated.js';
export { LinkedSshGuests, type LinkedSshGuest } from './sshguest.js';
export { TestVms, TestLibvirtPeer, KERNEL_CACHE, TEST_URI, type TestVm } from './kvm.js';
export { TestCluster, NoAgent, type ClusterNode, type DaemonStatus, type TestClusterOptions } from './cluster.js';
export { SVC_ADDR, SVC_PORT, webConf, webScript, writeWebService, holders, sampler } from './cluster-web.js';
export { GuestCluster, type TestGuest } from './guest-cluster.js';
export { TestEtcd, type EtcdMember } from './etcd.js';
export { DebianRoot, DebianSystem, DEBIAN_ROOT_TARBALL, type ChrootResult } from './debian.js';
