// Public API of @capsule/transport.
export { localExec } from './local.js';
