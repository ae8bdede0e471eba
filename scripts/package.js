#!/usr/bin/env node
// Packages the app with `rc-apps package` from a staging folder that holds only the app's files:
// the compiler type-checks every .ts under its folder and refuses modules such as `http`, which the
// tests and the local host use. Output: dist/<nameSlug>_<version>.zip (same name the CLI gives).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { engineKeys, LANGUAGES } = require('./i18n');

const root = path.resolve(__dirname, '..');
const stage = path.join(root, 'build', 'package');
const APP_FILES = ['app.json', 'package.json', 'icon.png', 'LivechatWebhookTestApp.ts', 'src', 'i18n'];

/**
 * The staging folder's node_modules: links to the project's, except @rocket.chat/apps-engine, which
 * is a folder of links to 1.66.0's entries plus the `server/permissions` table of 1.58.1 (the runtime
 * host's engine). rc-apps 1.9.0 validates app.json's `permissions` against that table, which
 * 1.66.0 no longer ships; without it packaging an app that declares permissions fails.
 */
function linkModules() {
    const modules = path.join(root, 'node_modules');
    const staged = path.join(stage, 'node_modules');
    const linkAll = (from, to, except) => {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from)) {
            if (entry !== except) {
                fs.symlinkSync(path.join(from, entry), path.join(to, entry));
            }
        }
    };
    linkAll(modules, staged, '@rocket.chat');
    linkAll(path.join(modules, '@rocket.chat'), path.join(staged, '@rocket.chat'), 'apps-engine');
    const engine = path.join(staged, '@rocket.chat', 'apps-engine');
    linkAll(path.join(modules, '@rocket.chat', 'apps-engine'), engine, 'server');
    fs.mkdirSync(path.join(engine, 'server'), { recursive: true });
    fs.symlinkSync(path.join(modules, 'apps-engine-runtime', 'server', 'permissions'), path.join(engine, 'server', 'permissions'));
}

function main() {
    const quiet = process.argv.includes('--quiet');
    fs.rmSync(stage, { recursive: true, force: true });
    fs.mkdirSync(stage, { recursive: true });
    // The code's texts first (src/i18n/catalogue.ts from i18n/*.json); the zip's i18n files keep only the engine's keys.
    execFileSync(process.execPath, [path.join(__dirname, 'i18n.js')], { stdio: 'inherit' });
    for (const entry of APP_FILES) {
        fs.cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
    }
    for (const language of LANGUAGES) {
        fs.writeFileSync(path.join(stage, 'i18n', `${language}.json`), `${JSON.stringify(engineKeys(language), null, 4)}\n`);
    }
    linkModules();

    const cli = path.join(root, 'node_modules', '.bin', 'rc-apps');
    try {
        const output = execFileSync(cli, ['package'], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        if (!quiet) process.stdout.write(output);
    } catch (error) {
        process.stderr.write(`rc-apps package failed (exit ${error.status}):\n${error.stdout || ''}${error.stderr || ''}`);
        process.exit(1);
    }

    const info = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
    const zipName = `${info.nameSlug}_${info.version}.zip`;
    const built = path.join(stage, 'dist', zipName);
    if (!fs.existsSync(built)) {
        process.stderr.write(`rc-apps package did not produce ${path.relative(root, built)}\n`);
        process.exit(1);
    }
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    const target = path.join(root, 'dist', zipName);
    fs.copyFileSync(built, target);
    console.log(`packaged ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
}

main();
