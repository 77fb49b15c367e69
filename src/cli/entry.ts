/** The CLI's entry point: signal handlers first, then the rest of atq (a separate chunk, see bundle.mjs). */
import { catchEarlySignals } from '../util/early-signals.js';

const signals = catchEarlySignals();
// `atq doctor | head`: a reader that went away must not crash atq with an unhandled EPIPE, least of all in
// the middle of a run that still has to clean up. What is left to print is dropped; the command goes on.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
const { main } = await import('./main.js');
const code = await main(process.argv.slice(2), signals.early, signals.release);
// Exit now that everything is written and removed: a Docker call abandoned after its time (a logs call that
// never answers, moby/moby#38640) keeps its socket, and the process with it, alive for up to a minute.
// (stdout and stderr are synchronous for files and pipes on Linux: nothing written is lost.)
process.exit(code);
