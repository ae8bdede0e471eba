// app.json, icon and i18n: what `rc-apps package` and the server check, checked before they do.
import { describe, expect, it } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';

import { SETTINGS } from '../src/settings/settings';
import { listTs } from './host/files';
import { ROOT } from './host/localHost';

const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'i18n', 'en.json'), 'utf8'));

describe('app.json', () => {
    it('names the app as the interface requires', () => {
        expect(appJson).toMatchObject({
            classFile: 'LivechatWebhookTestApp.ts',
            iconFile: 'icon.png',
            nameSlug: 'livechat-webhook-test',
            name: 'Livechat Webhook Test',
        });
        expect(appJson.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(appJson.nameSlug).toMatch(/^([a-z]|-)+$/);
        expect(appJson.author.name).toBeTruthy();
        expect(appJson.author.support).toBeTruthy();
        expect(appJson.description.length).toBeGreaterThan(20);
        // An explicit list replaces the engine's defaults: every permission the app uses, and no other
        // (npm run e2e runs with NODE_ENV=production, where a missing one fails its check).
        expect(appJson.permissions.map((permission: { name: string }) => permission.name)).toEqual([
            'networking',
            'api',
            'slashcommand',
            'persistence',
            'server-setting.read',
            'room.read',
            'user.read',
            'message.write',
            'ui.interact',
            'ui.registerButtons',
            'scheduler',
        ]);
        expect(appJson.version).toBe(packageJson.version);
    });

    // Apps-Engine shipped by Rocket.Chat 6.13 (1.46), 7.0 (1.47.2), later 7.x, and the typings.
    it.each(['1.46.0', '1.47.2', '1.53.0', '1.58.1', '1.66.0'])('requiredApiVersion is satisfied by engine %s', (engine) => {
        expect(semver.satisfies(engine, appJson.requiredApiVersion)).toBe(true);
    });

    // Before 1.46 (npm releases 1.42.1 and older) IRoomRead.getMessages took no options and returned IMessage.
    it.each(['1.37.0', '1.41.0', '1.42.1'])('requiredApiVersion refuses engine %s, whose room reader the room sample cannot use', (engine) => {
        expect(semver.satisfies(engine, appJson.requiredApiVersion)).toBe(false);
    });

    it('requiredApiVersion is the apps-engine devDependency spec, so rc-apps package leaves it alone', () => {
        expect(packageJson.devDependencies['@rocket.chat/apps-engine']).toBe(appJson.requiredApiVersion);
    });
});

describe('icon.png', () => {
    it('is a real 128x128 PNG', () => {
        const png = fs.readFileSync(path.join(ROOT, 'icon.png'));
        expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        expect(png.toString('ascii', 12, 16)).toBe('IHDR');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 128]);
    });
});

describe('i18n/en.json', () => {
    const sources = ['LivechatWebhookTestApp.ts', ...listTs(path.join(ROOT, 'src'))].map((file) => fs.readFileSync(file, 'utf8')).join('\n');

    it('has a label and a description for every setting', () => {
        for (const setting of SETTINGS) {
            expect(en[setting.i18nLabel]).toBeTruthy();
            expect(en[setting.i18nDescription as string]).toBeTruthy();
        }
    });

    it('has every key the code uses and no key it does not', () => {
        for (const key of Object.keys(en)) {
            expect({ key, used: sources.includes(`'${key}'`) }).toEqual({ key, used: true });
        }
        const referenced = [...sources.matchAll(/i18n\w*: '([^']+)'|i18n\w* = '([^']+)'/g)].map((match) => match[1] || match[2]);
        expect(referenced.length).toBeGreaterThanOrEqual(10);
        for (const key of referenced) {
            expect({ key, present: key in en }).toEqual({ key, present: true });
        }
    });
});

describe('translations', () => {
    const LANGUAGES = ['pt-BR', 'es', 'de'];

    it('are the four languages the app ships, and nothing else', () => {
        expect(fs.readdirSync(path.join(ROOT, 'i18n')).sort()).toEqual(['de.json', 'en.json', 'es.json', 'pt-BR.json']);
    });

    it.each(LANGUAGES)('%s has every key en has, and no other, each translated', (language) => {
        const translated = JSON.parse(fs.readFileSync(path.join(ROOT, 'i18n', `${language}.json`), 'utf8'));
        expect(Object.keys(translated).sort()).toEqual(Object.keys(en).sort());
        for (const key of Object.keys(en)) {
            expect({ key, text: typeof translated[key] === 'string' && translated[key].trim().length > 0 }).toEqual({ key, text: true });
        }
        // Labels and descriptions are translated, not copied (command parameter syntax may stay as is).
        const copied = Object.keys(en).filter((key) => !key.startsWith('command_params') && translated[key] === en[key] && en[key].includes(' '));
        expect(copied).toEqual([]);
    });
});
