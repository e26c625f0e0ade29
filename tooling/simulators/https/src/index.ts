// Public API of @capsule/sim-https.
export { makeTestPki, type TestPki } from './pki.js';
export { startJsonServer, basicAuth, type JsonServer, type SimRequest, type SimResponse, type Handler } from './server.js';
export { SimState, type PowerHook } from './state.js';
export { PowerOps } from './power.js';
export { call, basic, type CallResult } from './client.js';
export { SshGuests, roundTrip, type SshGuest } from './guests.js';
export { apiConformanceFixture, type SimulatedCloud } from './conformance.js';
export { SimWorld } from './world.js';
