import type { Logger } from '../util/log.js';

/** Plain, greppable console output: CI logs are not terminals, so no cursor tricks. */
export function consoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (text: string) => stream.write(text + '\n');
  return {
    info: (m) => write(`[atq] ${m}`),
    warn: (m) => write(`[atq] warning: ${m}`),
    output: (prefix, line) => write(`  ${prefix} | ${line}`),
    progress: (m) => write(`[atq] progress: ${m}`),
  };
}
