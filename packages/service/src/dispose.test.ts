import type { Resource } from '@capsule/core';
import { disposeService } from './dispose.js';
import type { Service, ServiceResource } from './model.js';

/** A resource holding sessions on a pretend API: `open` counts what it has not closed yet. */
function sessionHolder(rid: string, api: { open: number }, close: () => Promise<void> = async () => void api.open--): ServiceResource {
  api.open++;
  const resource: Resource = { rid, label: () => '', start: async () => undefined, stop: async () => undefined, status: async () => ({ status: 'up', log: [] }), dispose: close };
  return { rid, resource } as ServiceResource;
}

const service = (resources: ServiceResource[]) => ({ resources }) as unknown as Service;

test('every resource that opened something closes it, at once', async () => {
  const api = { open: 0 };
  const svc = service([sessionHolder('container#1', api), sessionHolder('container#2', api), { rid: 'app#1' } as ServiceResource]);
  expect(api.open).toBe(2);
  expect(await disposeService(svc)).toEqual([]);
  expect(api.open).toBe(0);
});

test('a close that fails or hangs is a warning naming the resource; the others still close', async () => {
  const api = { open: 0 };
  const svc = service([
    sessionHolder('container#1', api, async () => Promise.reject(new Error('401 session expired'))),
    sessionHolder('container#2', api, () => new Promise(() => undefined)),
    sessionHolder('container#3', api),
    sessionHolder('container#4', api, () => {
      throw 'socket gone';
    }),
  ]);
  expect(await disposeService(svc, 50)).toEqual(['container#1: close failed: 401 session expired', 'container#2: not closed within 0.05 s', 'container#4: close failed: socket gone']);
  expect(api.open).toBe(3);
});
