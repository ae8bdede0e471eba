// Lets `node` run the local host's TypeScript directly (npm start), using the project's own
// TypeScript to transpile each .ts file as it is required. Type checking is the tests' job.
'use strict';
const fs = require('fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
    const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, esModuleInterop: true, sourceMap: false },
    });
    module._compile(output.outputText, filename);
};
