/**
 * The CLI's entry point. Signal handlers come before anything else is loaded: a CI job cancelled in the
 * first moments must still end as a cancel (exit 130), not as a kill by the default handler (143).
 */
const early: NodeJS.Signals[] = [];
const onEarly = (sig: NodeJS.Signals) => early.push(sig);
process.on('SIGINT', onEarly);
process.on('SIGTERM', onEarly);

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), early, () => {
  process.off('SIGINT', onEarly);
  process.off('SIGTERM', onEarly);
});
