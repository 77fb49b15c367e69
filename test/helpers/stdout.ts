import { actionListener } from '../../src/action/log.js';
import type { RunEvent } from '../../src/core/events.js';

/** stdout held back from here on: `output()` has what was written, `restore()` puts stdout back. */
function holdStdout(): { output: () => string; restore: () => void } {
  const write = process.stdout.write;
  let output = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  return { output: () => output, restore: () => (process.stdout.write = write) };
}

/**
 * @actions/core logs to stdout (::debug::, ::add-mask::, info lines): keep it out of the test output but hand it
 * back, and append it to the message of an error the call throws.
 */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const held = holdStdout();
  try {
    return { value: await fn(), output: held.output() };
  } catch (error) {
    if (error instanceof Error) error.message += `\n--- client output ---\n${held.output()}`;
    throw error;
  } finally {
    held.restore();
  }
}

/** The same, when only the value matters. */
export const quiet = async <T>(fn: () => Promise<T>): Promise<T> => (await captured(fn)).value;

/** What a synchronous call wrote to stdout (the Action's log), kept out of the test output. */
export function stdoutOf(fn: () => void): string {
  const held = holdStdout();
  try {
    fn();
  } finally {
    held.restore();
  }
  return held.output();
}

/** The Action's log of these run events, as the runner reads it (one listener, as a run has). */
export const actionLogOf = (events: RunEvent[]): string =>
  stdoutOf(() => {
    const emit = actionListener();
    for (const e of events) emit(e);
  });
