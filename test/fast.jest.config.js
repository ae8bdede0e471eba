// `npm run test:fast`: the tests of pure functions and of the app in the local host, compiled without
// type checks (ts-jest's isolatedModules; `npm test` and `npm run lint` check the types), leaving out
// the two suites that spawn processes (packaging, the receiver CLI).
const path = require('path');
const { jest } = require('../package.json');

module.exports = {
    ...jest,
    rootDir: path.resolve(__dirname, '..'),
    preset: undefined,
    transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }] },
    testPathIgnorePatterns: ['/node_modules/', 'package\\.test\\.ts$', 'receiver-cli\\.test\\.ts$'],
    // Both cores: jest takes one worker fewer than the cores by default, which here is one.
    maxWorkers: 2,
};
