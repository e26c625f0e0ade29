// Public API of @capsule/transport. ssh2 is behind `./ssh` and the lazy
// SshSessions, so importing this never loads it.
export { localExec, DEFAULT_MAX_OUTPUT_BYTES } from './local.js';
export { guestExec } from './channel.js';
export { SshSessions, type SshDefaults, type SshTarget } from './ssh/sessions.js';
