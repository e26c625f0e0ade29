// What the engine hands a driver, for driver tests that run without the
// service package: an action context and a resource init.
import { systemClock, type ActionContext, type ContainerContext, type ContainerResource, type Exec, type Logger, type ResourceInit } from '@capsule/core';
import { guestExec, localExec } from '@capsule/transport';

export const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function testContext(exec: Exec = localExec, log: Logger = quietLog, extra: Partial<ActionContext> = {}): ActionContext {
  return { exec, log, signal: new AbortController().signal, clock: systemClock, dryRun: false, force: false, ...extra };
}

/** A container's context: its guest reached through the channel it declares, as the engine does. */
export function testContainerContext(c: ContainerResource, exec: Exec = localExec, log: Logger = quietLog): ContainerContext {
  return { ...testContext(exec, log), guest: guestExec(c.guestChannel(), exec) };
}

export function testInit<C>(rid: string, config: C, extra: Partial<Omit<ResourceInit<C>, 'config'>> = {}): ResourceInit<C> {
  return {
    rid,
    svcname: 'svc',
    nodename: 'hv1',
    config,
    env: {},
    root: '/',
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [] },
    settings: { values: {}, secret: (k) => Promise.reject(new Error(`no ${k} in this test`)) },
    ...extra,
  };
}
