// Public API of @capsule/api: the agent HTTP API's contracts.
export { API_VERSION, ACTIONS, ActionAccepted, ActionRequest, ApiError, ClusterResponse, ConfigResponse, LogResponse, StatusResponse, type Action } from './schemas.js';
export { Event, sseFrame, type EventInput } from './events.js';
export { sseData, sseReader } from './sse.js';
export { ROUTES, matchRoute, type Match, type Role, type Route } from './routes.js';
export { openApiDocument } from './openapi.js';
