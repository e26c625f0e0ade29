// Public API of @capsule/sim-openstack.
export { startOpenstackSim, type OpenstackSim, type OpenstackSimOptions, type SimServer } from './server.js';
