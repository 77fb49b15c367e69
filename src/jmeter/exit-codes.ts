/**
 * What a container's exit code says about how it ended, for messages about workers and the master.
 * 128+N is "killed by signal N" in every shell and container runtime.
 */
export function exitCodeHint(code: number | undefined): string {
  switch (code) {
    case 137:
      return ' = killed (SIGKILL: the OOM killer or docker kill)';
    case 143:
      return ' = terminated (SIGTERM: docker stop, or the node shutting down)';
    case 96:
    case 97:
      return ' = the image could not set up the run (see its output)';
    default:
      return code !== undefined && code > 128 && code < 160 ? ` = killed by signal ${code - 128}` : '';
  }
}

/** Exit codes that mean the process was killed from outside, not that JMeter judged the plan. */
export function killedFromOutside(code: number | undefined): boolean {
  return code !== undefined && code > 128 && code < 160;
}
