/**
 * How atq starts JMeter's JVMs for a CI run (issue 10). A JMeter container is CPU-bound while it starts:
 * measured on 2 cores, a jmeter-server takes ~1.4 s of CPU until its RMI registry is bound, and ~0.5 s of
 * that is HotSpot's top-tier compiler (C2) optimising start-up code that never runs again (class loading,
 * XML and property parsing, RMI/TLS set-up); with C2 off the same start costs 0.76 s. Ten workers and a
 * master start on the same cores, so that compile work is the run's critical path.
 *
 * `ci` raises C2's thresholds tenfold (HotSpot's defaults: 5000 / 600 / 15000 / 40000): start-up code stays
 * with C1. Measured: a worker's start 1.4 s → 0.95 s of CPU, 10-worker runs of 200 samples per worker 20–25 %
 * shorter. The price is the per-sample code's: it too reaches C2 ten times later, and a 40 s run at full
 * load delivered 8–26 % fewer samples/s (BENCHMARKS.md). That is why it is not the default: it suits short
 * runs of many workers on few cores. Raising only the back-edge (OSR) thresholds saves nothing. HotSpot has
 * had these flags since JDK 8; OpenJ9 ignores -XX options it does not know.
 */
export type JitMode = 'ci' | 'default';

export const CI_JIT_FLAGS = [
  '-XX:Tier4InvocationThreshold=50000',
  '-XX:Tier4MinInvocationThreshold=6000',
  '-XX:Tier4CompileThreshold=150000',
  '-XX:Tier4BackEdgeThreshold=400000',
];

/**
 * ATQ_JVM_ARGS for the container; the shell puts it before the image's own JVM_ARGS (see PRELUDE), so
 * that an image which sets these flags keeps its values (the JVM takes the last one given).
 */
export function jitEnv(mode: JitMode): Record<string, string> {
  return mode === 'ci' ? { ATQ_JVM_ARGS: CI_JIT_FLAGS.join(' ') } : {};
}
