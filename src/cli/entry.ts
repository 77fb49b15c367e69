/** The CLI's entry point: signal handlers first, then the rest of atq (a separate chunk, see bundle.mjs). */
import { catchEarlySignals } from '../util/early-signals.js';

const signals = catchEarlySignals();
const { main } = await import('./main.js');
const code = await main(process.argv.slice(2), signals.early, signals.release);
// Exit now that everything is written and removed: a Docker call abandoned after its time (a logs call that
// never answers, moby/moby#38640) keeps its socket, and the process with it, alive for up to a minute.
// (stdout and stderr are synchronous for files and pipes on Linux: nothing written is lost.)
process.exit(code);
