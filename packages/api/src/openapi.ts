// The OpenAPI 3.1 document of the routes, generated from their zod schemas.
import { z } from 'zod';
import { ApiError } from './schemas.js';
import { ROUTES } from './routes.js';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' });

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { content: { 'application/json': { schema: json(ApiError) } } };
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const ok =
      r.id === 'getOpenApi'
        ? { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }
        : r.stream
          ? { description: 'text/event-stream: each frame `id: N`, `event: KIND`, `data: EVENT` (JSON)', content: { 'text/event-stream': { schema: json(r.response) } } }
          : { description: r.status === 202 ? 'Accepted' : 'OK', content: { 'application/json': { schema: json(r.response) } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.id,
      summary: r.summary,
      'x-capsule-role': r.role,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: false, content: { 'application/json': { schema: json(r.body) } } } } : {}),
      responses: {
        [r.status]: ok,
        400: { description: 'Malformed request: the schema says why', ...error },
        401: { description: 'No valid credentials: nothing is read', ...error },
        403: { description: 'The credentials lack the role', ...error },
        404: { description: 'No such service or route', ...error },
        409: { description: 'What svcmgr was asked for failed (a status that could not be read)', ...error },
        500: { description: 'The agent failed: its log says why', ...error },
      },
      security: [{ bearer: [] }, { clientCertificate: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'capsule agent API', version },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from the node\'s tokens file ([listener] tokens_file)' },
        clientCertificate: { type: 'mutualTLS', description: 'A client certificate signed by [listener] client_ca' },
      },
    },
  };
}
