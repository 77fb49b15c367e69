import { cleanupCommand, CLEANUP_HELP } from './cleanup.js';
import { doctorCommand, DOCTOR_HELP } from './doctor.js';
import { EXIT, reportError } from './exit.js';
import { reportCommand, REPORT_HELP } from './report.js';
import { runCommand } from './run.js';
import { runHelp } from './args.js';
import { guardSignals } from '../util/signals.js';
import { VERSION } from '../version.js';

const HELP = `atq: run JMeter load tests on your Docker Swarm, from CI

Commands:
  atq run       run the plan(s) on N workers and copy the results out   (atq run --help)
  atq cleanup   remove what runs left on the swarm                      (atq cleanup --help)
  atq report    analyse a JTL: statistics, gates, reports               (atq report --help)
  atq doctor    check the connection, the swarm and the images          (atq doctor --help)
  atq serve     the ATQ service: REST API, queue and page for the swarm   (atq serve --help)

Exit codes: 0 success, 1 error, 3 performance gates failed, 130 interrupted. atq --version prints the version.`;

/** `early`: signals received while loading; `installed` hands signal handling over from the entry point. */
export async function main(
  argv: string[],
  early: NodeJS.Signals[] = [],
  installed = () => {},
): Promise<number> {
  const [command, ...rest] = argv;
  const cwd = process.cwd();
  // Only a run and doctor's image probe create something to clean up when interrupted; others just stop.
  const guarded = command === 'run' || command === 'doctor' || command === 'serve';
  const signals = guardSignals((t) => process.stderr.write(t + '\n'), early, {
    exitAtOnce: !guarded,
    stopping:
      command === 'doctor'
        ? 'removing the image probe'
        : command === 'serve'
          ? 'stopping the server, aborting and cleaning up running tasks'
          : undefined,
  });
  installed();
  if (!guarded && early.length) return EXIT.interrupted;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest, cwd, signals);
      case 'cleanup':
        return await cleanupCommand(rest, cwd);
      case 'doctor':
        return await doctorCommand(rest, cwd, signals.signal);
      case 'report':
        return await reportCommand(rest, cwd);
      case 'serve': {
        // Loaded only here: the server's SQLite binding is not needed (nor bundled) for the other commands.
        const { serveCommand } = await import('./serve.js');
        return await serveCommand(rest, cwd, signals.signal, VERSION);
      }
      case 'version':
      case '--version':
      case '-V':
        process.stdout.write(`atq ${VERSION}\n`);
        return EXIT.ok;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(
          `${HELP}\n\n${runHelp()}\n\n${CLEANUP_HELP}\n\n${REPORT_HELP}\n\n${DOCTOR_HELP}\n`,
        );
        return EXIT.ok;
      default:
        process.stderr.write(
          `atq: unknown command "${command}"; use run, cleanup, report, doctor or serve (atq help)\n`,
        );
        return EXIT.error;
    }
  } catch (e) {
    return reportError(e, (t) => process.stderr.write(t + '\n'));
  } finally {
    signals.dispose();
  }
}
