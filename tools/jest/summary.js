// Prints the suite's one-line summary from Jest's --json output: "N passed, N failed[, N skipped]".
// Exits non-zero when anything failed, a suite failed to run, or no test ran at all.
const fs = require('node:fs');

const file = process.argv[2];
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const passed = results.numPassedTests;
const failed = results.numFailedTests;
const skipped = results.numPendingTests + results.numTodoTests;
const brokenSuites = results.testResults.filter(
  (r) => r.status === 'failed' && r.assertionResults.length === 0,
);
for (const suite of brokenSuites) {
  process.stdout.write(
    `suite failed to run: ${suite.name}\n${(suite.message || '').split('\n').slice(0, 15).join('\n')}\n`,
  );
}
const failedTotal = failed + brokenSuites.length;
process.stdout.write(`${passed} passed, ${failedTotal} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failedTotal > 0 || passed === 0 ? 1 : 0);
