import { AbortedError } from '../errors.js';

/** Sleeps, but wakes up (rejecting) as soon as the run is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or the signal's reason as soon as it aborts: a call that never answers (a Docker API call
 * can hang, e.g. moby/moby#38640) must not hold a cancelled or timed-out run back from its cleanup.
 */
export function orAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new AbortedError(typeof reason === 'string' ? reason : 'aborted');
}

/** Waits for `promise` at most `ms`: `{ value }` when it settled in time, undefined when not (it goes on). */
export function within<T>(ms: number, promise: Promise<T>): Promise<{ value: T } | undefined> {
  const at = Date.now() + ms;
  return until(() => at, promise);
}

/**
 * Waits for `promise` until `deadline()` (re-read as it goes, so it can move closer): `{ value }` when it
 * settled in time, undefined when not (it goes on). Rejections pass through.
 */
export async function until<T>(
  deadline: () => number,
  promise: Promise<T>,
): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    const check = () => {
      const left = deadline() - Date.now();
      if (left <= 0) resolve(undefined);
      else timer = setTimeout(check, Math.min(left, 100));
    };
    check();
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
