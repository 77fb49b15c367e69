/**
 * Collects SIGINT/SIGTERM that arrive before a front's real handlers exist (while the bulk of atq loads),
 * so that a CI job cancelled in its first moments still ends as a cancel (130), not as a kill by Node's
 * default handler (143). `release` hands over to the real handlers, which replay `early`.
 */
export function catchEarlySignals(): { early: NodeJS.Signals[]; release: () => void } {
  const early: NodeJS.Signals[] = [];
  const onEarly = (sig: NodeJS.Signals) => early.push(sig);
  process.on('SIGINT', onEarly);
  process.on('SIGTERM', onEarly);
  return {
    early,
    release: () => {
      process.off('SIGINT', onEarly);
      process.off('SIGTERM', onEarly);
    },
  };
}
