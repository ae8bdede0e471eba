// `npm run lint`: ESLint (typescript-eslint's recommended rules) over the app, the tests and the
// scripts; formatting is Prettier's (`npm run format` writes it, the lint checks it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = {
    require: 'readonly',
    module: 'writable',
    exports: 'writable',
    process: 'readonly',
    __dirname: 'readonly',
    console: 'readonly',
    Buffer: 'readonly',
};

export default tseslint.config(
    { ignores: ['node_modules/', 'build/', 'dist/', 'coverage/'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts', '**/*.tsx'],
        rules: {
            // Host stand-ins and engine shapes are loosely typed on purpose; the app's own code is checked by the compiler.
            '@typescript-eslint/no-explicit-any': 'off',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
            'no-control-regex': 'off',
        },
    },
    {
        // The host stand-ins load the engine's untyped runtime and emulate the runtime's own require, and
        // rethrow errors as the message strings Rocket.Chat's bridges send across the process boundary.
        files: ['test/host/**/*.ts', 'test/runtime/**/*.ts', 'test/package.test.ts'],
        rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-this-alias': 'off', 'preserve-caught-error': 'off' },
    },
    {
        files: ['**/*.js'],
        languageOptions: { sourceType: 'commonjs', globals: node },
        rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
);
