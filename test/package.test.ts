// Packages the app with `rc-apps package` and runs one delivery through the compiled files in the zip.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import AdmZip = require('adm-zip');

import { expectSample } from './fixtures';
import { listTs } from './host/files';
import { ROOT } from './host/localHost';
import { startWorld, USERS, World } from './host/world';
import { loadAppFromZip, LoadedPackage, packagedZipPath } from './host/zipLoader';

const ZIP = packagedZipPath();

let loaded: LoadedPackage;
let world: World;

beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package.js'), '--quiet'], { cwd: ROOT, stdio: 'pipe' });
    loaded = loadAppFromZip(ZIP);
    world = await startWorld(loaded.AppClass);
}, 120000);

afterAll(async () => {
    await world?.close();
});

describe('the package made by rc-apps package', () => {
    it("holds the app's files only: no tests, scripts, receiver, runtime host or lock file", () => {
        const sources = listTs(path.join(ROOT, 'src')).map((file) => path.relative(ROOT, file).split(path.sep).join('/').replace(/\.ts$/, '.js'));
        const i18n = fs.readdirSync(path.join(ROOT, 'i18n')).map((file) => `i18n/${file}`);
        const expected = ['.packagedby', 'LivechatWebhookTestApp.js', 'app.json', 'icon.png', 'package.json', ...i18n, ...sources];
        expect([...loaded.files].sort()).toEqual(expected.sort());
        // The app's own files only (its texts in four languages included): the lock file alone would add about 320 KB.
        expect(fs.statSync(ZIP).size).toBeLessThan(192 * 1024);
    });

    it('requires only engine definitions, its own files and Node modules both the compiler and the runtime allow', () => {
        const bothAllow = ['path', 'url', 'crypto', 'buffer', 'fs', 'stream', 'net'];
        const outside = loaded.required.filter((name) => !name.startsWith('.') && !name.startsWith('@rocket.chat/apps-engine/definition/'));
        expect(outside.filter((name) => !bothAllow.includes(name))).toEqual([]);
    });

    it('delivers the host sample through the compiled code', async () => {
        const from = Date.now();
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(response.content).toMatchObject({ success: true, receiverStatus: 200 });
        expect(world.receiver.requests).toHaveLength(1);
        expectSample(world.receiver.requests[0].body, from, Date.now());
    });

    it('answers the slash command through the compiled code', async () => {
        await world.host.runCommand('livechat-webhook-test', USERS.plain);
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-unauthorized');
    });
});

describe('the zip loader', () => {
    it('refuses a module the runtime would refuse', () => {
        const zip = new AdmZip(ZIP);
        zip.addFile('src/sneaky.js', Buffer.from('require("child_process");'));
        zip.updateFile('LivechatWebhookTestApp.js', Buffer.from(`require("./src/sneaky");\n${zip.readAsText('LivechatWebhookTestApp.js')}`));
        const tampered = path.join(ROOT, 'build', 'tampered.zip');
        zip.writeZip(tampered);
        expect(() => loadAppFromZip(tampered)).toThrow('would refuse require("child_process")');
    });
});
