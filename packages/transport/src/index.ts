// Public API of @capsule/transport.
export { localExec, DEFAULT_MAX_OUTPUT_BYTES } from './local.js';
export { guestExec } from './channel.js';
