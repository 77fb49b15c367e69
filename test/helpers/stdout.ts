/**
 * @actions/core logs to stdout (::debug::, ::add-mask::, info lines): keep it out of the test output but hand it
 * back, and append it to the message of an error the call throws.
 */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const write = process.stdout.write;
  let output = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), output };
  } catch (error) {
    if (error instanceof Error) error.message += `\n--- client output ---\n${output}`;
    throw error;
  } finally {
    process.stdout.write = write;
  }
}

/** The same, when only the value matters. */
export const quiet = async <T>(fn: () => Promise<T>): Promise<T> => (await captured(fn)).value;
