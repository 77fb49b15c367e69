import type { LiveSnapshot } from '../results/live-types.js';

/** Where the core reports what it does. Fronts decide how it looks (console, Actions log groups...). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** A line of a container's output, shown with the container's role as prefix. */
  output(prefix: string, line: string): void;
  /** A progress line; a front may overwrite the previous one on a TTY. */
  progress(message: string): void;
  /** Live statistics of the plan running (issue 24), every --progress-interval. */
  live?(snapshot: LiveSnapshot): void;
  /** Auto-stop ended the test (issue 24): a front without this shows it as a warning. */
  autoStop?(stop: AutoStopEvent): void;
}

/** What auto-stop saw when it ended the test, as the run tells its fronts. */
export interface AutoStopEvent {
  plan: string;
  /** The criterion as written. */
  criterion: string;
  /** "stopped the run at 1m42s: error rate 97% for 60s (auto-stop: ...)". */
  message: string;
  /** When: ms since the plan's first sample. */
  elapsedMs: number;
}

export const silentLogger: Logger = { info() {}, warn() {}, output() {}, progress() {} };
