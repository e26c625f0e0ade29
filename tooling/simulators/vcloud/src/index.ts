// Public API of @capsule/sim-vcloud.
export { startVcloudSim, type VcloudSim, type VcloudSimOptions, type SimVcdVm } from './server.js';
export { STATUS_NAMES, statusName, VM_STATUS } from './status.js';
