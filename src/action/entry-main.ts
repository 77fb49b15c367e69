/**
 * The Action's main step. Signal handlers come first, before the bulk of the code loads: the runner's
 * cancel (SIGINT, then SIGTERM 7.5 s later) must always reach the run, which then cleans up.
 */
const early: NodeJS.Signals[] = [];
const onEarly = (sig: NodeJS.Signals) => early.push(sig);
process.on('SIGINT', onEarly);
process.on('SIGTERM', onEarly);

const { main } = await import('./main.js');
await main(early, () => {
  process.off('SIGINT', onEarly);
  process.off('SIGTERM', onEarly);
});
