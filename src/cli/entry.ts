/** The CLI's entry point: signal handlers first, then the rest of atq (a separate chunk, see bundle.mjs). */
import { catchEarlySignals } from '../util/early-signals.js';

const signals = catchEarlySignals();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), signals.early, signals.release);
