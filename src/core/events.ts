import type { LiveSnapshot } from '../results/live-types.js';
import type { Summary } from '../results/summary.js';
import type { AutoStopEvent, Logger } from '../util/log.js';

/**
 * What a run tells its front while it goes: the console prints these, the GitHub Action turns stages into
 * log groups, a server streams them. Typed, so no front parses log text.
 */
export type RunEvent =
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  /** A stage begins, or ends after `ms` (stages may repeat: one collect per plan). */
  | { type: 'stage'; stage: string; phase: 'start' | 'end'; ms?: number }
  | { type: 'workers-ready'; addresses: string[] }
  /** JMeter's summariser, or the workers becoming ready: one line that a terminal may overwrite. */
  | { type: 'progress'; message: string }
  /** Live statistics of the plan running, every --progress-interval (and once more when it ends). */
  | { type: 'live'; snapshot: LiveSnapshot }
  /** Auto-stop ended the test: the run goes on to collect and analyse everything so far, then exits 3. */
  | ({ type: 'auto-stop' } & AutoStopEvent)
  /** A line of a container's output. */
  | { type: 'output'; source: string; line: string }
  /** A plan's results are analysed (or it ended without results). */
  | { type: 'plan-finished'; plan: string; status: string; samples?: number; summary?: Summary }
  /** The run's verdict over all plans, once every plan is analysed. */
  | { type: 'verdict'; verdict: Summary['verdict'] };

export type RunListener = (event: RunEvent) => void;

/** The core's stages log through this; each call becomes an event. */
export function eventLogger(emit: RunListener): Logger {
  return {
    info: (message) => emit({ type: 'log', level: 'info', message }),
    warn: (message) => emit({ type: 'log', level: 'warn', message }),
    output: (source, line) => emit({ type: 'output', source, line }),
    progress: (message) => emit({ type: 'progress', message }),
    live: (snapshot) => emit({ type: 'live', snapshot }),
    autoStop: (stop) => emit({ type: 'auto-stop', ...stop }),
  };
}

/** A listener that never lets a front's bug (or a closed stream) break the run. */
export function safeListener(listener: RunListener): RunListener {
  return (event) => {
    try {
      listener(event);
    } catch {
      // a front that cannot show an event must not stop the run that sent it
    }
  };
}
