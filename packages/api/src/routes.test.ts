import { matchRoute, ROUTES } from './routes.js';

test.each([
  ['GET', '/api/v1/cluster', 'getCluster', {}],
  ['GET', '/api/v1/services/web/status', 'getServiceStatus', { svc: 'web' }],
  ['GET', '/api/v1/services/my%20svc/config', 'getServiceConfig', { svc: 'my svc' }],
  ['GET', '/api/v1/services/web/log', 'getServiceLog', { svc: 'web' }],
  ['GET', '/api/v1/events', 'getEvents', {}],
  ['POST', '/api/v1/services/web/actions/switch', 'postAction', { svc: 'web', action: 'switch' }],
  ['GET', '/api/v1/openapi.json', 'getOpenApi', {}],
])('%s %s is %s', (method, path, id, params) => {
  expect(matchRoute(method, path)).toEqual({ route: ROUTES.find((r) => r.id === id), params });
});

test.each([
  ['GET', '/api/v1/nope'],
  ['GET', '/api/v1/services/web/status/extra'],
  ['GET', '/api/v1/services//status'],
  ['GET', '/api/v1/services/%E0%A4%A/status'],
])('%s %s matches nothing (404)', (method, path) => expect(matchRoute(method, path)).toBeUndefined());

test('a known path with another method: the methods it allows (405)', () => {
  expect(matchRoute('DELETE', '/api/v1/cluster')).toEqual({ allow: ['GET'] });
  expect(matchRoute('GET', '/api/v1/services/web/actions/start')).toEqual({ allow: ['POST'] });
});

test('every action route is admin, every read route read', () => {
  for (const r of ROUTES) expect(r.role).toBe(r.method === 'POST' ? 'admin' : 'read');
});
