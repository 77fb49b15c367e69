/** The Action's post step (always runs, also after a cancelled or killed main). */
const { post } = await import('./post.js');
await post();
process.exit();
