// Public API of @capsule/sim-openstack.
export { startOpenstackSim, statusFromState, STATE_MAP, type OpenstackSim, type OpenstackSimOptions, type SimServer } from './server.js';
