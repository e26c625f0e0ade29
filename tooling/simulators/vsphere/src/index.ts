// Public API of @capsule/sim-vsphere.
export { startVsphereSim, type VsphereSim, type VsphereSimOptions, type SimVm } from './server.js';
