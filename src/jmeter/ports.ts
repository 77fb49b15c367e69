/** Fixed ports: one per role, so RMI needs no port range and the run network carries nothing else. */
export const RMI_REGISTRY_PORT = 1099;
export const RMI_SERVER_PORT = 50000;

/** Where things live inside every container: the same absolute paths on master and workers. */
export const PATHS = {
  bundleParts: '/atq/bundle',
  testDir: '/atq/test',
  /** A worker's JMeter output on its way through the relay that spots its ready line (commands.ts). */
  workerOut: '/atq/jmeter.out',
  /** Left by that relay once it has printed the worker's ready line. */
  workerReady: '/atq/ready',
  /** java.util.prefs.userRoot of every JMeter JVM (commands.ts, PREFS_NODE). */
  prefs: '/atq/prefs',
  outDir: '/atq/out',
  rmiKeystore: '/run/secrets/atq-rmi-keystore.p12',
  rmiProperties: '/run/secrets/atq-rmi.properties',
  /** --secret-prop values, as a property file (a Swarm secret): never on a command line or in a log. */
  secretProperties: '/run/secrets/atq-secret.properties',
  /** The master's start gate: a FIFO JMeter reads as a property file (-q), written once the workers are ready. */
  masterGate: '/atq/start.properties',
} as const;
