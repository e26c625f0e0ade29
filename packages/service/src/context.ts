// The context each resource acts in: the host's exec bound to a cancellable
// signal, the clock, its logger and, for a container, its guest channel.
import { CapsuleError, ErrorCode, isContainerResource, systemClock, type ActionContext, type Clock, type ContainerContext, type Exec, type Logger, type Resource } from '@capsule/core';
import { guestExec, type SshSessions } from '@capsule/transport';

export interface Runtime {
  /** Runs a command on this node (the CLI passes localExec; tests may pass another). */
  exec: Exec;
  clock?: Clock;
  dryRun?: boolean;
  force?: boolean;
  /** The node's ssh sessions, for guests reached over ssh (opened on first use). */
  ssh?: SshSessions;
}

/** An exec whose commands die with the signal (every call gets it unless it brings its own). */
export function boundExec(exec: Exec, signal: AbortSignal): Exec {
  return (argv, o) => exec(argv, { signal, ...o });
}

/**
 * Where a resource's tools run: this node, or for a remote-managed container
 * its management host over the node's ssh sessions.
 */
function hostExecFor(resource: Resource, rt: Runtime): Exec {
  const managed = isContainerResource(resource) ? resource.managedFrom?.() : undefined;
  if (!managed) return rt.exec;
  if (!rt.ssh) {
    return () =>
      Promise.reject(
        new CapsuleError(ErrorCode.TransportUnavailable, `${resource.rid}: its tools run on ${managed.host}, and this command has no ssh settings`, {
          hint: 'this is a bug in the caller: report it',
        }),
      );
  }
  return rt.ssh.exec({ host: managed.host, port: managed.port ?? 22, user: managed.user ?? 'root' });
}

export function contextFor(resource: Resource, rt: Runtime, log: Logger, signal: AbortSignal): ActionContext | ContainerContext {
  const exec = boundExec(hostExecFor(resource, rt), signal);
  const ctx: ActionContext = { exec, log, signal, clock: rt.clock ?? systemClock, dryRun: rt.dryRun ?? false, force: rt.force ?? false };
  return isContainerResource(resource) ? { ...ctx, guest: guestExec(resource.guestChannel(), exec, rt.ssh) } : ctx;
}

/**
 * Runs `fn` with a signal aborted after `ms`: the work's commands are killed
 * then, and the call settles at the timeout with `onTimeout()`'s value.
 */
export async function withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>, onTimeout: () => T, parent?: AbortSignal): Promise<T> {
  const ac = new AbortController();
  const abort = () => ac.abort(parent?.reason);
  // An abort event is sent once: a parent cancelled before this call must cancel it too.
  if (parent?.aborted) abort();
  else parent?.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      ac.abort(new Error(`timed out after ${ms} ms`));
      try {
        resolve(onTimeout());
      } catch (e) {
        reject(e);
      }
    }, ms);
  });
  try {
    return await Promise.race([fn(ac.signal), timeout]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', abort);
  }
}
