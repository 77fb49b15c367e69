import type { FakeSwarm } from './fake-swarm.js';
import type { FakeTask } from './fake-tasks.js';

/** What an image does when a task of it runs: its exit code (a stopped container's program is abandoned). */
export type Program = (c: FakeContainer) => Promise<number>;

export interface ExecResult {
  exitCode?: number;
  output: string;
}
/** Answers a command run in the container (Docker's exec); undefined: "not found" (127). */
export type ExecHandler = (command: string[]) => ExecResult | undefined | Promise<ExecResult | undefined>;

/** Thrown into a program's waits when its container is stopped (its service removed). */
export class Stopped extends Error {
  constructor() {
    super('the container was stopped');
  }
}

/**
 * One task's container in the fake swarm, as its program sees it: its environment (Swarm templates filled
 * in), its own file system (what the archive API copies out), its output (what the logs API serves), the
 * commands run in it, and the swarm's DNS. Programs are written as the image's script would behave.
 */
export class FakeContainer {
  readonly files = new Map<string, Buffer>();
  running = true;
  readonly createdAt: string;
  private readonly stopping = new AbortController();
  private handler?: ExecHandler;

  constructor(
    private readonly swarm: FakeSwarm,
    private readonly task: FakeTask,
    readonly id: string,
    readonly name: string,
    readonly labels: Record<string, string>,
    readonly networks: string[],
    readonly env: Record<string, string>,
    readonly command: string[],
    readonly args: string[],
    readonly hostname: string,
    readonly nodeId: string,
  ) {
    this.createdAt = new Date(swarm.now()).toISOString();
  }

  get slot(): number {
    return this.task.info.slot;
  }

  /** Its address on its first network (the run network). */
  get ip(): string {
    return this.task.info.addresses[this.networks[0] ?? ''] ?? '';
  }

  /** The shell script it runs (`sh -c SCRIPT`), or its args for an image with its own entrypoint. */
  get script(): string {
    return this.command.length ? (this.command.at(-1) ?? '') : this.args.join(' ');
  }

  get stopped(): AbortSignal {
    return this.stopping.signal;
  }

  print(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.swarm.print(this.task, stream, line);
  }

  write(file: string, data: string | Buffer): void {
    this.files.set(file, Buffer.from(data));
  }

  /** Waits `ms`; throws Stopped once the container is stopped. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.stopped.aborted) return reject(new Stopped());
      const t = setTimeout(() => {
        this.stopped.removeEventListener('abort', onStop);
        resolve();
      }, ms);
      // A container left running (a run that lost its engine) must not keep the test process alive.
      t.unref();
      const onStop = () => {
        clearTimeout(t);
        reject(new Stopped());
      };
      this.stopped.addEventListener('abort', onStop, { once: true });
    });
  }

  /** Waits until `condition` holds, checking every `everyMs`. */
  async until(condition: () => boolean, everyMs = 2): Promise<void> {
    while (!condition()) await this.sleep(everyMs);
  }

  /** Serves until stopped (a server process): never returns normally. */
  async serve(): Promise<never> {
    for (;;) await this.sleep(1000);
  }

  onExec(handler: ExecHandler): void {
    this.handler = handler;
  }

  async exec(command: string[]): Promise<ExecResult> {
    return (
      (await this.handler?.(command)) ?? { exitCode: 127, output: `sh: ${command.join(' ')}: not found` }
    );
  }

  /** The addresses of a service's running tasks on this container's networks (the swarm's DNS). */
  resolve(serviceName: string): string[] {
    return this.swarm.resolve(serviceName, this.networks);
  }

  /** The running container at `address` on one of this container's networks, if any (a connection to it). */
  reach(address: string): FakeContainer | undefined {
    return this.swarm.reach(address, this.networks);
  }

  /** `docker stop`: the program is stopped (exit 143), the container and its files stay. */
  halt(): void {
    this.stopping.abort();
  }

  /** Stops the program; the container itself goes `lingerMs` later (Docker removes it in the background). */
  stop(lingerMs: number): void {
    this.stopping.abort();
    const gone = () => this.swarm.containers.delete(this.id);
    if (lingerMs > 0) setTimeout(gone, lingerMs);
    else gone();
  }
}
