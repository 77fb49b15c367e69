/**
 * The Action's main step: signal handlers first, then the rest (a separate chunk): the runner's cancel
 * (SIGINT, then SIGTERM 7.5 s later) must always reach the run, which then cleans up.
 */
import { catchEarlySignals } from '../util/early-signals.js';

const signals = catchEarlySignals();
const { main } = await import('./main.js');
await main(signals.early, signals.release);
// Done: outputs, summary and artifact are written; an abandoned Docker call must not hold the step open.
process.exit();
