import type { RunListener } from '../core/events.js';
import { liveLabelLines, liveLine } from '../results/live-format.js';
import type { Logger } from '../util/log.js';
import { inertLine } from '../util/text.js';

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

/**
 * A run's events on the console: its log, progress, live statistics (each label's too with `labels`,
 * --progress-labels) and container output (the rest is in those lines).
 */
export function consoleListener(
  stream: NodeJS.WritableStream = process.stderr,
  opts: { labels?: boolean } = {},
): RunListener {
  const log = consoleLogger(stream);
  return (e) => {
    if (e.type === 'log') (e.level === 'warn' ? log.warn : log.info)(e.message);
    // Inert as well as visible: the CLI often runs inside a CI step whose log obeys workflow commands.
    else if (e.type === 'output') log.output(inertLine(e.source), inertLine(e.line));
    else if (e.type === 'progress') log.progress(e.message);
    // The criterion may name a label of the plan's (a pull request's): inert too.
    else if (e.type === 'auto-stop') log.warn(`auto-stop: ${inertLine(e.message)}`);
    else if (e.type === 'live') {
      // Labels and plan names come from the plan (a pull request's): inert like container output.
      stream.write(`[atq] ${inertLine(liveLine(e.snapshot))}\n`);
      if (opts.labels) for (const l of liveLabelLines(e.snapshot)) stream.write(`[atq] ${inertLine(l)}\n`);
    }
  };
}
