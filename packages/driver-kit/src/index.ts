// Public API of @capsule/driver-kit: what container drivers share, so no
// plugin imports another.
export { tool, lastLine, actionFailed, containerMissing, type ToolOptions } from './tool.js';
export { waitFor, waitForGuest, type WaitForGuestOptions } from './wait.js';
export { stopWithTimeout, type StopOptions } from './stop.js';
export { writeFileAtomic } from './files.js';
export { RememberedAddress } from './address.js';
export { TokenCache } from './token-cache.js';
export { endpointClient, tlsWarnings, type EndpointOptions } from './endpoint.js';
export { restClient, type RestClient, type RestClientOptions, type RestRequest, type RestResponse } from './rest.js';
export { managementKeywords, managementHost, toolPath } from './remote.js';
export { opensvcContainerKeywords, opensvcCloudKeywords, opensvcDiskKeywords, prkeyProblem } from './opensvc.js';
export { stateRow, statusOfState, stateTableMarkdown, readmeStateTable, type StateRow, type StateTable } from './states.js';
