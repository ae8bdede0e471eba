// `npm run e2e`: the packaged app in the engine's real runtime (AppManager + Deno).
module.exports = {
    preset: 'ts-jest',
    testEnvironment: 'node',
    rootDir: '../..',
    roots: ['<rootDir>/test/e2e'],
    testMatch: ['**/*.e2e.ts'],
    testTimeout: 60000,
    reporters: ['default', '<rootDir>/test/host/summaryReporter.js'],
};
