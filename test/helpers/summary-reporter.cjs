// Jest's own summary, then one plain closing line CI can read: "jest: N passed, N failed[, N skipped]".
const { SummaryReporter } = require('@jest/reporters');

class ClosingLineReporter extends SummaryReporter {
  onRunComplete(contexts, results) {
    super.onRunComplete(contexts, results);
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(
      `\njest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = ClosingLineReporter;
