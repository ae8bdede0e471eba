// What the workspace itself will send: its Omnichannel webhook settings read as Rocket.Chat holds
// them (defaults off; its secret token refused to apps), judged event by event, in the endpoint,
// the slash command, the panel and the check.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { judgeReadiness } from '../src/readiness/judge';
import { readWorkspace } from '../src/readiness/workspace';
import { ServerSettingsStore } from './host/fakes';
import { ALERTS_ROOM } from './host/localHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';
import { localize, render } from '../src/i18n/text';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const readiness = async () => (await world.host.get('webhook.readiness', asAdmin)).content as any;
const on = (...ids: Array<string>) => ids.forEach((id) => world.host.serverSettings.set(id, true));

/** The watch on, alerting in #webhook-alerts, after one run over a workspace that delivers LivechatSession to the receiver. */
async function watchDelivering(): Promise<void> {
    world.host.settings.set('watch_interval_minutes', 5);
    world.host.settings.set('watch_alert_room', 'webhook-alerts');
    world.host.rooms.addRoom(ALERTS_ROOM);
    world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
    on('Livechat_webhook_on_close');
    await world.host.fireJob('webhook-watch');
}

describe('the workspace as Rocket.Chat holds it', () => {
    it("reads its settings with Rocket.Chat's defaults, and never its secret token (the bridge refuses it)", async () => {
        const settings = new ServerSettingsStore();
        const workspace = await readWorkspace(settings);
        expect(workspace).toMatchObject({ enabled: true, url: '', timeoutMs: 5000 });
        expect(Object.values(workspace.flags)).toEqual(Array(9).fill(false));
        expect(settings.reads).not.toContain('Livechat_secret_token');
        await expect(settings.getValueById('Livechat_secret_token')).rejects.toThrow('The setting "Livechat_secret_token" is not readable.');
    });

    it('a setting an older server lacks is unknown, not off', () => {
        const result = judgeReadiness(
            { enabled: true, url: 'https://crm.example.com/hook', timeoutMs: 5000, flags: { Livechat_webhook_on_close: true } },
            'https://crm.example.com/hook',
        );
        expect(result.events.find((item) => item.event === 'LivechatSession')!.sent).toBe(true);
        expect(result.events.find((item) => item.event === 'LeadCapture')!.sent).toBeNull();
    });
});

describe('GET webhook.readiness', () => {
    it('a fresh workspace: no Webhook URL, every flag off: Rocket.Chat sends nothing, and says which setting decides each event', async () => {
        const answer = await readiness();
        expect(answer).toMatchObject({ success: true, readiness: { sends: false, timeoutMs: 5000 } });
        expect(answer.readiness.findings[0]).toEqual({
            severity: 'error',
            hint: expect.stringContaining('Rocket.Chat sends nothing: the workspace has no Webhook URL'),
        });
        expect(answer.readiness.events.find((item: any) => item.event === 'Message')).toEqual({
            event: 'Message',
            sent: false,
            settings: ['Livechat_webhook_on_visitor_message', 'Livechat_webhook_on_agent_message'],
        });
        expect(JSON.stringify(answer)).toContain('Livechat_secret_token) is a secret setting apps cannot read');
    });

    it('the workspace delivers to another URL than the one tested: a warning naming both (redacted)', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', 'https://crm.example.com/hook?key=s3cr3tvalue');
        on('Livechat_webhook_on_close', 'Livechat_webhook_on_visitor_message');
        const answer = await readiness();
        expect(answer.readiness).toMatchObject({ sends: true, sameUrl: false });
        const warning = answer.readiness.findings.find((finding: any) => finding.severity === 'warning');
        expect(warning.hint).toContain('You are testing a URL Rocket.Chat does not deliver to');
        expect(JSON.stringify(answer)).not.toContain('s3cr3tvalue');
        expect(answer.readiness.events.filter((item: any) => item.sent).map((item: any) => item.event)).toEqual(['LivechatSession', 'LivechatEdit', 'Message']);
    });

    it('Omnichannel off: Rocket.Chat sends nothing; every flag off with a URL: (almost) nothing', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        let answer = await readiness();
        expect(answer.readiness.findings[0].hint).toContain('every "Send request on …" setting');
        expect(answer.readiness.sameUrl).toBe(true);
        on('Livechat_webhook_on_start');
        world.host.serverSettings.set('Livechat_enabled', false);
        answer = await readiness();
        expect(answer.readiness.sends).toBe(false);
        expect(answer.readiness.findings[0].hint).toBe('Rocket.Chat sends nothing: Omnichannel is off (Livechat_enabled).');
    });

    it('needs the permission and refuses unknown query parameters', async () => {
        expect((await world.host.get('webhook.readiness', { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
        expect((await world.host.get('webhook.readiness', { ...asAdmin, query: { verbose: '1' } })).status).toBe(400);
    });
});

describe('readiness in the slash command and the check', () => {
    it('slash `readiness` lists each event with the setting that decides it', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        on('Livechat_webhook_on_close');
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['readiness']);
        const lines = String(world.host.notifier.toUsers[0].message.text).split('\n');
        expect(lines[0]).toMatch(/^Workspace readiness: ✅ Rocket.Chat sends 2 of 9 events to `/);
        expect(lines).toContain('✅ LivechatSession · Livechat_webhook_on_close');
        expect(lines).toContain('⛔ LivechatSessionTaken · Livechat_webhook_on_chat_taken');
        expect(lines).toContain('Timeout of real deliveries: 5000 ms (Livechat_http_timeout); retries 20000 ms apart');
    });

    it('the check marks events the workspace does not send and does not count them; the workspace findings come first', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        on('Livechat_webhook_on_close');
        world.receiver.behave({ status: 204 });
        const answer = (await world.host.post('webhook.check', { ...asAdmin, content: { events: ['LivechatSession', 'Message'] } })).content as any;
        const message = answer.steps.find((step: any) => step.name === 'Message');
        expect(message.notSent).toEqual(['Livechat_webhook_on_visitor_message', 'Livechat_webhook_on_agent_message']);
        const messageFinding = answer.problems.find((finding: any) => finding.step === 'Message');
        expect(messageFinding).toMatchObject({ severity: 'info', hint: expect.stringContaining('Not sent by this workspace') });
        // LivechatSession is sent, and the 204 drops it: that one counts.
        expect(answer.problems.find((finding: any) => finding.step === 'LivechatSession')).toMatchObject({ severity: 'error' });
        expect(answer.ready).toBe(false);
    });

    it('the panel shows the workspace first', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', 'https://elsewhere.example.com/hook');
        on('Livechat_webhook_on_close');
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['panel']);
        const view = world.host.surfaces[world.host.surfaces.length - 1].view as any;
        expect(view.blocks[0].text.text).toMatch(
            /^\*Workspace\*: ⚠️ Rocket.Chat sends 2 of 9 events, to another URL than the one tested\. You are testing a URL/,
        );
    });
});

describe("the retry spacing of Rocket.Chat's real deliveries", () => {
    it("follows the workspace's Livechat_http_timeout while the app's timeout is its default, and says whose it is", async () => {
        world.host.serverSettings.set('Livechat_http_timeout', 8000);
        world.receiver.behave({ status: 503 });
        let hint = ((await world.testAs(USERS.admin)).content as any).delivery.hint as string;
        expect(hint).toContain("32000 ms (4 × the workspace's Livechat_http_timeout) apart");
        world.host.settings.set('webhook_timeout_ms', 3000);
        hint = ((await world.testAs(USERS.admin)).content as any).delivery.hint as string;
        expect(hint).toContain("12000 ms (4 × the app's webhook_timeout_ms) apart");
    });

    it('reads nothing more for a delivered test (the hot path stays one request)', async () => {
        world.host.serverSettings.reads.length = 0;
        await world.testAs(USERS.admin);
        expect(world.host.serverSettings.reads).not.toContain('Livechat_http_timeout');
    });
});

describe('readiness when the server says little', () => {
    it('an unreadable Webhook URL is unknown, not "sends nothing", and the watch raises no alarm over it', async () => {
        await watchDelivering();
        world.host.serverSettings.refuse('Livechat_webhookUrl');
        const answer = await readiness();
        expect(answer.readiness.sends).toBeNull();
        expect(answer.reason).not.toContain('sends nothing');
        expect(answer.readiness.findings[0]).toMatchObject({ severity: 'warning', hint: expect.stringContaining('could not be read') });
        await world.host.fireJob('webhook-watch');
        expect(world.host.roomMessages.filter((message) => /Rocket.Chat (stopped|sends webhooks again)/.test(String(message.text)))).toHaveLength(0);
    });

    it('a Webhook URL Rocket.Chat cannot deliver to (not a URL, not http) is an error, never "sends 9 of 9"', () => {
        const flags = Object.fromEntries(['Livechat_webhook_on_close', 'Livechat_webhook_on_start'].map((id) => [id, true]));
        for (const url of ['not a url', 'javascript:alert(1)', 'ftp://files.example.com/hook']) {
            const result = judgeReadiness({ enabled: true, url, timeoutMs: 5000, flags }, url);
            expect(result.sends).toBe(false);
            expect(localize(result.findings[0], 'en')).toMatchObject({ severity: 'error', hint: expect.stringContaining('cannot be delivered to') });
            expect(result.findings.some((finding) => /You are testing a URL/.test(render(finding.hint, 'en')))).toBe(false);
        }
    });

    it('a settings read that never settles does not hang the answer (it counts as unreadable)', async () => {
        const settings = new ServerSettingsStore();
        const hanging = {
            ...settings,
            getValueById: (id: string) => (id === 'Livechat_webhookUrl' ? new Promise(() => undefined) : settings.getValueById(id)),
        } as any;
        const workspace = await readWorkspace(hanging);
        expect(workspace.url).toBeUndefined();
        expect(workspace.timeoutMs).toBe(5000);
    }, 10000);

    it('reads Livechat_http_timeout the one way the delivery hint does: whole milliseconds, or unknown', async () => {
        const settings = new ServerSettingsStore();
        for (const [value, read] of [
            [8000, 8000],
            ['8000', 8000],
            [1.5, undefined],
            ['1e3', undefined],
            [Infinity, undefined],
            [0, undefined],
            ['abc', undefined],
        ] as Array<[unknown, unknown]>) {
            settings.set('Livechat_http_timeout', value);
            expect((await readWorkspace(settings)).timeoutMs).toBe(read);
        }
    });
});

describe("the watch's workspace alert when persistence fails", () => {
    it('a failed write of what a run saw is tried again by the next run: the alert is posted once, not lost', async () => {
        await watchDelivering();
        await new Promise((resolve) => setTimeout(resolve, 50));
        world.host.serverSettings.set('Livechat_webhook_on_close', false);
        // The store's own write, as the bridge reaches it: one write of the watch's workspace record fails.
        const store = world.host.store as any;
        const original = store.create.bind(store);
        let fail = 1;
        store.create = (data: unknown, associations: Array<{ id: string }>) => {
            if (fail > 0 && JSON.stringify(associations).includes('watch-workspace')) {
                fail--;
                throw new Error('database unavailable');
            }
            return original(data, associations);
        };
        await world.host.fireJob('webhook-watch');
        await world.host.fireJob('webhook-watch');
        await world.host.fireJob('webhook-watch');
        const alerts = world.host.roomMessages.filter((message) => /Rocket.Chat stopped sending/.test(String(message.text)));
        expect(alerts).toHaveLength(1);
    });
});
