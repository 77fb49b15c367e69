import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the jmeter stand-in prints: the line a worker's JMeter logs once it is bound. */
export const BOUND = 'INFO Bound to RMI registry on port 1099\n';

/**
 * Runs a script atq generates for a container in this machine's real /bin/sh (dash on Debian, as in most
 * JMeter images), whole, PRELUDE included: its /atq/ paths under a temporary root, an empty test bundle to
 * unpack, and on PATH stand-ins for `jmeter` and `getent` that only record the arguments they were given
 * (and, for jmeter, say what a worker's JMeter logs once it is bound, so a worker's relay goes on).
 */
export class ContainerSh {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'atq-sh-'));
  /** A file that hostile values try to create with `touch`: it must never exist. */
  readonly marker = path.join(this.root, 'pwned');

  constructor() {
    mkdirSync(path.join(this.root, 'bundle'));
    mkdirSync(path.join(this.root, 'bin'));
    const empty = mkdtempSync(path.join(this.root, 'empty-'));
    spawnSync('tar', ['-czf', path.join(this.root, 'bundle', 'part-000'), '-C', empty, '.']);
    // NUL-separated: an argument may hold a newline.
    const record = 'for a in "$@"; do printf \'%s\\0\' "$a"; done > "$ATQ_TEST_ROOT/argv.${0##*/}"';
    this.standIn('jmeter', `${record}\nprintf '%s' '${BOUND}'`);
    this.standIn('getent', record);
  }

  private standIn(name: string, body: string): void {
    const file = path.join(this.root, 'bin', name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }

  /** A container path as the script sees it here. */
  path(containerPath: string): string {
    return containerPath.replaceAll('/atq/', `${this.root}/`);
  }

  /** Runs the script with a worker's environment on a loopback "run network"; bounded, so a loop cannot hang. */
  run(script: string): { status: number | null; stdout: string; stderr: string } {
    const res = spawnSync('/bin/sh', ['-c', this.path(script)], {
      env: {
        PATH: `${this.root}/bin:${process.env.PATH ?? ''}`,
        ATQ_TEST_ROOT: this.root,
        ATQ_SUBNET: '127.0.0.0/8',
        ATQ_WORKER_INDEX: '1',
        ATQ_WORKER_COUNT: '2',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { status: res.status, stdout: res.stdout, stderr: res.stderr };
  }

  /** The arguments a stand-in received, or undefined when it never ran. */
  argv(name: 'jmeter' | 'getent'): string[] | undefined {
    const file = path.join(this.root, `argv.${name}`);
    if (!existsSync(file)) return undefined;
    return readFileSync(file, 'utf8').split('\0').slice(0, -1);
  }

  pwned(): boolean {
    return existsSync(this.marker);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Values a plan, a property, a JMeter argument or a file name may hold (a pull request chooses them): each
 * tries to run `touch marker` if the shell ever reads it as code.
 */
export function hostileValues(marker: string): string[] {
  return [
    `x$ATQ_IP$(touch ${marker})`,
    `\`touch ${marker}\``,
    `a"; touch ${marker}; echo "`,
    `it's'; touch ${marker}; '`,
    `back\\slash\\n\\c $(touch ${marker})`,
    `line\n$(touch ${marker})\nnext`,
    `; touch ${marker}`,
    '$ATQ_IP',
    '${ATQ_IP}',
  ];
}
