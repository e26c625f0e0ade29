// Public API of @capsule/testenv.
export { TestNetwork, type TestHost, type TestSwitch } from './netns.js';
export { sh, uniqueName } from './run.js';
export { TestContainers, REPO_ROOT, type TestContainer } from './lxc.js';
export { testContext, testContainerContext, testInit, quietLog } from './driver.js';
export { startSshd, type TestSshd } from './sshd.js';
export { TestVms, TestLibvirtPeer, KERNEL_CACHE, TEST_URI, type TestVm } from './kvm.js';
export { TestCluster, type ClusterNode, type TestClusterOptions } from './cluster.js';
