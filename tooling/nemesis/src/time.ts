// Time for the run: waiting that a SIGINT cuts short (the run must get to
// its cleanup at once), and lengths of time as the report prints them.
import { NemesisAborted } from './errors.js';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new NemesisAborted());
    const abort = () => {
      clearTimeout(timer);
      reject(new NemesisAborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** `12.3 s` */
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
