// Error answers of the vSphere Automation API (/api): the HTTP status and
// the `error_type` of the vapi.std.errors structure, with one message.
import type { SimResponse } from '@capsule/sim-https';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  UNAUTHORIZED: 403,
  NOT_FOUND: 404,
  ALREADY_IN_DESIRED_STATE: 400,
  NOT_ALLOWED_IN_CURRENT_STATE: 400,
  RESOURCE_BUSY: 400,
  INVALID_ARGUMENT: 400,
  SERVICE_UNAVAILABLE: 503,
};

export function vapiError(type: keyof typeof STATUS & string, id: string, message: string): SimResponse {
  return { status: STATUS[type] ?? 500, body: { error_type: type, messages: [{ args: [], default_message: message, id }] } };
}
