// `npm run test:render`: every surface the app builds, rendered by Rocket.Chat's UIKit renderer in
// headless Chromium (Debian's `chromium`, or CHROMIUM_PATH). Apart from `npm test`, which needs no browser.
module.exports = {
    preset: 'ts-jest',
    testEnvironment: 'node',
    rootDir: '../..',
    roots: ['<rootDir>/test/preview'],
    testMatch: ['**/*.render.ts'],
    testTimeout: 120000,
    reporters: ['default', '<rootDir>/test/host/summaryReporter.js'],
};
