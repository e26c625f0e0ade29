import { Event } from './events.js';
import { sseData } from './sse.js';
import { openApiDocument } from './openapi.js';
import { ROUTES } from './routes.js';
import { ActionRequest } from './schemas.js';

const doc = openApiDocument('1.2.3') as { openapi: string; info: { version: string }; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; requestBody?: unknown }>> };

test('every route is in the document, with its operation, its errors and its body', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.info.version).toBe('1.2.3');
  for (const r of ROUTES) {
    const op = doc.paths[r.path]![r.method.toLowerCase()]!;
    expect(op.operationId).toBe(r.id);
    expect(Object.keys(op.responses).sort()).toEqual([String(r.status), '400', '401', '403', '404', '409', '500'].sort());
    expect(Boolean(op.requestBody)).toBe(Boolean(r.body));
  }
});

test('the schemas in the document are the ones the server checks with', () => {
  const body = (doc.paths['/api/v1/services/{svc}/actions/{action}']!['post']!.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }> }).content['application/json']!.schema;
  expect(Object.keys(body.properties)).toEqual(['to']);
  expect(body.additionalProperties).toBe(false);
  expect(ActionRequest.safeParse({ to: 'hv2', extra: 1 }).success).toBe(false);
});

test.each([
  [{ id: 1, at: '2026-12-07T10:00:00.000Z', kind: 'quorum', quorum: false, reason: 'hv2 lost' }, true],
  [{ id: 2, at: '2026-12-07T10:00:00.000Z', kind: 'action', action_id: 'a1', service: 'web', action: 'start', phase: 'end', by: 'api: ops (admin)', code: 0 }, true],
  [{ id: 3, at: '2026-12-07T10:00:00.000Z', kind: 'node', node: 'hv2', state: 'sleeping' }, false],
  [{ id: 4, at: '2026-12-07T10:00:00.000Z', kind: 'unknown' }, false],
])('event %j parses: %s', (e, ok) => expect(Event.safeParse(e).success).toBe(ok));

test.each([
  ['two frames and a partial one', 'retry: 2000\n\nid: 1\nevent: quorum\ndata: {"a":1}\n\n: ping\n\nid: 2\ndata: {"b"', ['{"a":1}'], 'id: 2\ndata: {"b"'],
  ['nothing whole yet', 'id: 3\n', [], 'id: 3\n'],
])('sseData: %s', (_, text, data, rest) => expect(sseData(text)).toEqual({ data, rest }));
