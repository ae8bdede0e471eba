// Ends every `npm test` run with one plain line, "N passed, N failed", that CI and people can read.
'use strict';

class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        const suitesFailed = results.numFailedTestSuites > 0 ? ` (${results.numFailedTestSuites} suite(s) failed)` : '';
        process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
        if (suitesFailed) process.stdout.write(`${suitesFailed.trim()}\n`);
    }
}

module.exports = SummaryReporter;
