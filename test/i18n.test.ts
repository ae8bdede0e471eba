// Every surface in the reader's language: the one catalogue (i18n/*.json) complete and used, each
// language's sentences free of English, and the app's real surfaces (slash replies, the panel, its
// form and detail, the check table, a watch alert, readiness) in pt-BR, de or es as the reader or
// the workspace chose; REST answers stay English.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { languageOf, readerLanguage } from '../src/i18n/language';
import { formatNumber, Lang, render, t } from '../src/i18n/text';
import { startCrm } from './host/crm';
import { ALERTS_ROOM, makeUser, ROOT } from './host/localHost';
import { Omnichannel } from './host/omnichannel';
import { startWorld, World } from './host/world';

const LANGUAGES = ['en', 'pt-BR', 'es', 'de'];
const catalogue = (language: string): { [key: string]: string } => JSON.parse(fs.readFileSync(path.join(ROOT, 'i18n', `${language}.json`), 'utf8'));
const en = catalogue('en');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

function sourceFiles(dir: string): Array<string> {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
    });
}

/** Words that are English and no Portuguese word (names, codes and quoted text are removed first). */
const ENGLISH = new Set(
    (
        'the and with would was were is are has have been will which when what or but any its it this that these your you from only every of ' +
        'receiver delivered delivery deliveries failed failing sent send answer answered retried retries retry dropped refused none unknown ' +
        'steps step errors error running still health last history watch check ready not off on at by to in if than then there here ' +
        'setting settings try again tests event events run runs time page body request response headers signature should must can cannot ' +
        'could does did missing wrong old minutes seconds nothing something deliver instead took took because while where who how ' +
        'workspace median sent today conversations conversation closed taken'
    ).split(' '),
);

/** What is left of a text once names, codes, quotes, URLs and markdown are taken out. */
function prose(text: string): string {
    return text
        .replace(/`[^`]*`/g, ' ')
        .replace(/"[^"]*"/g, ' ')
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/\{\w+\}/g, ' ')
        .replace(/\berror-[\w-]+|\/?livechat-webhook-test[\w.-]*|view-livechat-webhooks|webhook-(id|signature|timestamp)|X-RocketChat-[\w-]+|whsec_\S*/g, ' ')
        .replace(/\b(Rocket\.Chat|Omnichannel|Standard Webhooks|Webhooks?|Send Test|Current Chats|Personal Access Tokens|Site_Url|crmData)\b/g, ' ')
        .replace(/\b[\w.-]*[_.\d][\w.-]*\b/g, ' ')
        .replace(/\b[a-z]+[A-Z]\w*\b|\b[A-Z][a-z]+[A-Z]\w*\b|\b[A-Z]{2,}\b/g, ' ');
}

/** Words English shares with German: not a sign of English in a German text. */
const ALSO_GERMAN = new Set(['in', 'was', 'will', 'tests', 'median']);

function englishIn(text: string, language = 'pt-BR'): Array<string> {
    return (
        prose(text)
            .toLowerCase()
            .match(/[a-zà-ÿ]+/g) || []
    ).filter((word) => ENGLISH.has(word) && !(language === 'de' && ALSO_GERMAN.has(word)));
}

describe('the catalogue', () => {
    it('is current: src/i18n/catalogue.ts holds what i18n/*.json say', () => {
        expect(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'i18n.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
    });

    it.each(LANGUAGES.slice(1))('%s has every key, with the same placeholders as English', (language) => {
        const translated = catalogue(language);
        expect(Object.keys(translated)).toEqual(Object.keys(en));
        const mismatched = Object.keys(en).filter((key) => placeholders(translated[key] || '').join() !== placeholders(en[key]).join());
        expect(mismatched).toEqual([]);
    });

    it('uses every key it has: each is named in the code (plural keys by their stem), and each plural has both forms', () => {
        const code = sourceFiles(path.join(ROOT, 'src'))
            .concat([path.join(ROOT, 'LivechatWebhookTestApp.ts')])
            .filter((file) => !file.endsWith(path.join('i18n', 'catalogue.ts')))
            .map((file) => fs.readFileSync(file, 'utf8'))
            .join('\n');
        const named = (key: string) => code.includes(`'${key}'`) || code.includes(`"${key}"`);
        const unused = Object.keys(en).filter((key) => !named(key) && !named(key.replace(/\.(one|other)$/, '')));
        expect(unused).toEqual([]);
        const stems = Object.keys(en)
            .filter((key) => /\.(one|other)$/.test(key))
            .map((key) => key.replace(/\.(one|other)$/, ''));
        for (const stem of stems) {
            expect({ stem, one: `${stem}.one` in en, other: `${stem}.other` in en }).toEqual({ stem, one: true, other: true });
        }
    });

    it('a test of this test: English prose is found, names and codes are not', () => {
        expect(englishIn('O receptor respondeu 200 em 12 ms.')).toEqual([]);
        expect(englishIn('Defina `webhook_timeout_ms` e o cabeçalho X-RocketChat-Livechat-Token; evento LivechatSession, crmData.')).toEqual([]);
        expect(englishIn('O receptor would retry the delivery.')).toEqual(['would', 'retry', 'the', 'delivery']);
    });

    it('pt-BR holds no English sentence: every value, names and codes aside', () => {
        const ptBR = catalogue('pt-BR');
        // The command's parameters are its syntax: `history`, `check`, `watch` are what the reader types.
        const english = Object.keys(ptBR)
            .filter((key) => key !== 'command_params_example')
            .map((key) => ({ key, words: englishIn(ptBR[key]) }))
            .filter((found) => found.words.length > 0);
        expect(english).toEqual([]);
    });
});

describe("the reader's language", () => {
    it("maps Rocket.Chat's language codes to the four the app speaks", () => {
        expect(['pt-BR', 'pt', 'es', 'es-MX', 'de', 'de-IN', 'en', 'en-GB', 'fr', '', undefined, 3].map(languageOf)).toEqual([
            'pt-BR',
            'pt-BR',
            'es',
            'es',
            'de',
            'de',
            'en',
            'en',
            undefined,
            undefined,
            undefined,
            undefined,
        ]);
    });

    it("the reader's preference first, else the workspace's Language, else English (also when the setting cannot be read)", async () => {
        const read = (language: unknown) =>
            ({
                getEnvironmentReader: () => ({
                    getServerSettings: () => ({
                        getValueById: async () => {
                            if (language instanceof Error) {
                                throw language;
                            }
                            return language;
                        },
                    }),
                }),
            }) as any;
        const user = (language?: string) => makeUser('someone', ['user'], language);
        expect(await readerLanguage(read('de'), user('pt-BR'))).toBe('pt-BR');
        expect(await readerLanguage(read('de'), user('fr'))).toBe('de');
        expect(await readerLanguage(read('es'), user())).toBe('es');
        expect(await readerLanguage(read(''), user())).toBe('en');
        expect(await readerLanguage(read(new Error('not readable')), user())).toBe('en');
    });

    it('renders a sentence in each language, English for a language that lacks it', () => {
        const text = t('report.timeout', { ms: 5000, retries: t('report.retries', { more: 4, spacing: t('report.spacing', { ms: 20000 }) }) });
        expect(render(text, 'en')).toBe(
            'No answer within 5000 ms: Rocket.Chat would try 4 more times, 20000 ms (4 × the timeout) apart, then give up. Answer 200 first and do the slow work afterwards, or raise the timeout.',
        );
        for (const language of ['pt-BR', 'es', 'de'] as const) {
            const shown = render(text, language);
            expect(shown).not.toBe(render(text, 'en'));
            expect(shown).toContain('5000');
            expect(shown).toContain('20000');
        }
        expect(render({ i18n: 'a.key.from.a.later.version' } as any, 'de')).toBe('a.key.from.a.later.version');
    });

    it("writes numbers the reader's way: a decimal comma in pt-BR, es and de, no grouping", () => {
        expect(['en', 'pt-BR', 'es', 'de'].map((language) => formatNumber(41.7, language as Lang))).toEqual(['41.7', '41,7', '41,7', '41,7']);
        expect(['en', 'pt-BR', 'es', 'de'].map((language) => formatNumber(10000, language as Lang))).toEqual(['10000', '10000', '10000', '10000']);
        expect(render(t('panel.rate', { percent: 14.3 }), 'de')).toContain('14,3');
        expect(render(t('panel.rate', { percent: 14.3 }), 'en')).toContain('14.3');
    });
});

describe('the surfaces, as a pt-BR or de reader sees them', () => {
    let world: World;
    const reader = makeUser('leitora', ['user', 'admin'], 'pt-BR');
    const texts: Array<string> = [];

    beforeEach(async () => {
        world = await startWorld(LivechatWebhookTestApp);
        world.host.rooms.addRoom(ALERTS_ROOM);
        texts.length = 0;
    });

    afterEach(async () => {
        await world.close();
    });

    /** Every text a person reads in a message or a view. */
    function textsOf(value: unknown): Array<string> {
        if (!value || typeof value !== 'object') {
            return [];
        }
        if (Array.isArray(value)) {
            return value.flatMap(textsOf);
        }
        const object = value as { [key: string]: unknown };
        return Object.entries(object).flatMap(([key, item]) =>
            (key === 'text' || key === 'title' || key === 'label' || key === 'placeholder') && typeof item === 'string' ? [item] : textsOf(item),
        );
    }

    it.each(['pt-BR', 'de'])(
        '%s: slash replies, the check table, readiness, the watch and its scheduled runs, traffic, the panel, its form and a detail: no English but names and codes',
        async (language) => {
            const person = makeUser(language === 'de' ? 'leserin' : 'leitora', ['user', 'admin'], language);
            const slash = async (...args: Array<string>): Promise<string> => {
                const before = world.host.notifier.toUsers.length;
                await world.host.runCommand('livechat-webhook-test', person, args);
                const replies = world.host.notifier.toUsers.slice(before).map((reply) => reply.message);
                texts.push(...replies.flatMap((message) => [String(message.text), ...textsOf(message.blocks)]));
                return replies.map((message) => String(message.text)).join('\n');
            };
            const crm = await startCrm({ kind: 'error-200', token: 'a-secret-token-of-the-crm' });
            try {
                world.host.settings.set('webhook_secret_token', 'a-secret-token-of-the-crm');
                world.host.settings.set('tests_per_minute', 0);
                await world.host.settingsApplied();
                expect(await slash('help')).toContain('/livechat-webhook-test');
                expect(await slash()).toMatch(/200/);
                world.receiver.behave({ status: 500, body: 'boom' });
                await slash('Message');
                world.receiver.behave({ status: 401, body: 'invalid token' });
                await slash('LeadCapture');
                await slash('nothing-like-an-event');
                // Scheduled runs of the watch: the history names the watch, not a person.
                world.host.settings.set('watch_interval_minutes', 5);
                await world.host.settingsApplied();
                await world.host.fireJob('webhook-watch');
                world.receiver.behave({ status: 200 });
                await world.host.fireJob('webhook-watch');
                await slash('history');
                // Real traffic, with a switch off while its events happen.
                world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
                world.host.serverSettings.set('Livechat_webhook_on_close', true);
                const omnichannel = new Omnichannel(world.host);
                await omnichannel.start('lc-i18n-1');
                await omnichannel.take('lc-i18n-1');
                await omnichannel.visitorSays('lc-i18n-1', 'olá');
                await omnichannel.close('lc-i18n-1');
                await slash('traffic');
                await slash('readiness');
                await slash('watch');
                world.host.settings.set('webhook_url', crm.url);
                await world.host.settingsApplied();
                const table = await slash('check');
                expect(table).toContain('⛔');
                // The panel, the form and a delivery's detail (the newest is the watch's).
                await world.host.runCommand('livechat-webhook-test', person, ['panel']);
                const panel = world.host.surfaces[world.host.surfaces.length - 1].view;
                texts.push(...textsOf(panel));
                await world.host.blockAction(person, undefined, { actionId: 'livechat-webhook-test.panel.send', value: '' });
                texts.push(...textsOf(world.host.surfaces[world.host.surfaces.length - 1].view));
                const entries = (panel.blocks as Array<any>).filter((block) => block.accessory && block.accessory.type === 'overflow');
                for (const entry of entries.slice(0, 3)) {
                    await world.host.blockAction(person, undefined, {
                        actionId: 'livechat-webhook-test.panel.delivery',
                        value: `details:${entry.accessory.blockId.replace(/^delivery-/, '')}`,
                    });
                    texts.push(...textsOf(world.host.surfaces[world.host.surfaces.length - 1].view));
                }
            } finally {
                await crm.close();
            }
            expect(texts.length).toBeGreaterThan(50);
            const english = texts.map((text) => ({ text, words: englishIn(text, language) })).filter((found) => found.words.length > 0);
            expect(english).toEqual([]);
            // Figures in the reader's way of writing them: a decimal comma, and no English abbreviation for the median.
            expect(texts.filter((text) => /\d\.\d+ ?%|\bp50\b/.test(text))).toEqual([]);
        },
    );

    it("a watch alert in the room speaks the workspace's language; the REST answer stays English for the same reader", async () => {
        world.host.serverSettings.set('Language', 'de');
        world.host.settings.set('watch_interval_minutes', 5);
        world.host.settings.set('watch_alert_room', 'webhook-alerts');
        world.host.settings.set('watch_failures_to_alert', 1);
        await world.host.settingsApplied();
        world.receiver.behave({ status: 503, body: 'down' });
        await world.host.fireJob('webhook-watch');
        const alert = world.host.roomMessages[world.host.roomMessages.length - 1];
        expect(String(alert.text)).toMatch(/^⛔ Webhook/);
        expect(String(alert.text)).not.toContain('failing since');
        expect(textsOf(alert.blocks).join('\n')).not.toMatch(/Test now|Failing since/);

        const rest = await world.host.post('webhook.test', { user: reader });
        expect((rest.content as any).delivery.hint).toContain('Rocket.Chat would try 4 more times');
    });
});
