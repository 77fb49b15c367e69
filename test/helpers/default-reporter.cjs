// Jest's per-file reporter without its summary (summary-reporter.cjs prints that, then a closing line).
module.exports = require('@jest/reporters').DefaultReporter;
