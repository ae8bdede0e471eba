// Ends every `npm test` run with one plain line, "N passed, N failed", that CI and people can read.
'use strict';

class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
        if (results.numFailedTestSuites > 0) {
            process.stdout.write(`${results.numFailedTestSuites} suite(s) failed\n`);
        }
    }
}

module.exports = SummaryReporter;
