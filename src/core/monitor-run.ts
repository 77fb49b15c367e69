import { errorMessage } from '../errors.js';
import { until } from '../util/abort.js';
import type { LoadTestState } from './finish.js';
import { collectMonitor } from './monitor.js';

export type { Monitor } from './monitor.js';

/**
 * A run's --monitor samples, read before the cleanup removes the samplers (whatever the run's outcome, like
 * the workers' logs): into monitor.json and state.monitorData for the analysis. Within the time left.
 */
export async function collectRunMonitor(state: LoadTestState): Promise<void> {
  const { ctx, monitor, control, logger } = state;
  if (!ctx || !monitor) return;
  const reading = collectMonitor(ctx, monitor, state.report.outDir).catch((e: unknown) => {
    logger.warn(`monitor: could not read the samples: ${errorMessage(e)}`);
    return undefined;
  });
  const data = await until(control.deadline(40_000, 2_000), reading);
  if (data === undefined) logger.warn('monitor: stopped reading the samples: no time left');
  else state.monitorData = data.value;
}
