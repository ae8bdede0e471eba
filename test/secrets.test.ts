import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { closedPort } from './host/receiver';
import { startWorld, USERS, World } from './host/world';

const TOKEN = 'tok-9f8e7d6c5b4a-SECRET';
const URL_PASSWORD = 'pw-in-url-SECRET';
const QUERY_KEY = 'apikey-in-query-SECRET';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('webhook_secret_token', TOKEN);
});

afterEach(async () => {
    await world.close();
});

/** Everything a person or an admin could see: answers, private replies and the app log. */
async function everythingShown(): Promise<string> {
    const answers = [];
    answers.push(await world.testAs(USERS.admin));
    await world.host.runCommand('livechat-webhook-test', USERS.admin);
    answers.push(await world.testAs(USERS.plain));
    await world.host.runCommand('livechat-webhook-test', USERS.plain);
    return [JSON.stringify(answers), world.host.notifier.toUsers.map((notification) => notification.message.text).join('\n'), world.host.logger.text()].join(
        '\n',
    );
}

describe('the secret token and URL credentials never show', () => {
    it('the token is sent to the receiver, and nowhere else', async () => {
        const shown = await everythingShown();
        expect(world.receiver.requests[0].headers['x-rocketchat-livechat-token']).toBe(TOKEN);
        expect(shown).toContain('answered 200');
        expect(shown).not.toContain(TOKEN);
    });

    it.each([
        ['a receiver that fails', (w: World) => w.receiver.behave({ status: 500, body: `{"echo":"${TOKEN}"}` })],
        [
            'a receiver that times out',
            (w: World) => {
                w.host.settings.set('webhook_timeout_ms', 150);
                w.receiver.behave({ hang: true });
            },
        ],
    ])('%s', async (_name, setUp) => {
        setUp(world);
        const shown = await everythingShown();
        expect(shown).toContain('error-invalid-webhook-response');
        expect(shown).not.toContain(TOKEN);
    });

    it('the URL query is redacted, even in error messages that quote the URL', async () => {
        const port = await closedPort();
        world.host.settings.set('webhook_url', `http://127.0.0.1:${port}/hook?key=${QUERY_KEY}`);
        world.host.settings.set('webhook_timeout_ms', 1000);
        const shown = await everythingShown();
        expect(shown).toContain('Could not reach the receiver');
        expect(shown).toContain(`http://127.0.0.1:${port}/hook?***`);
        expect(shown).not.toContain(QUERY_KEY);
        expect(shown).not.toContain(TOKEN);
    });

    it('a URL with credentials is refused, and shown redacted', async () => {
        world.host.settings.set('webhook_url', `http://crm:${URL_PASSWORD}@127.0.0.1:9/hook?key=${QUERY_KEY}`);
        const shown = await everythingShown();
        expect(shown).toContain('error-ssrf-validation-failed');
        expect(shown).toContain('http://***@127.0.0.1:9/hook?***');
        expect(shown).not.toContain(URL_PASSWORD);
        expect(shown).not.toContain(QUERY_KEY);
        expect(world.host.http.sent.filter((request) => request.url.includes(':9/'))).toHaveLength(0);
    });

    it('the caller auth token used for the permission look-up is not shown', async () => {
        const shown = await everythingShown();
        expect(world.permissionHost.calls.length).toBeGreaterThan(0);
        expect(shown).not.toContain('auth-token-of-');
    });
});

describe('the audit trail', () => {
    it('writes one line per test: who, event, URL host, verdict, duration; no secret, path or query', async () => {
        world.host.settings.set('webhook_signing_secret', 'whsec_c2lnbmluZy1zZWNyZXQtZm9yLWF1ZGl0');
        world.host.settings.set('webhook_url', `${world.receiver.url}?key=${QUERY_KEY}`);
        const entriesBefore = world.host.logger.entries.length;
        await world.host.post('webhook.test', {
            user: USERS.admin,
            headers: { 'X-User-Id': USERS.admin.id, 'X-Auth-Token': 'auth-token-of-admin.user' },
            content: { event: 'Message' },
        });
        await world.testAs(USERS.plain);
        const lines = world.host.logger.entries
            .slice(entriesBefore)
            .map((entry) => entry.args.join(' '))
            .filter((line) => line.startsWith('Webhook test'));
        expect(lines).toHaveLength(2);
        const { host } = new URL(world.receiver.url);
        expect(lines[0]).toMatch(
            new RegExp(
                `^Webhook test dlv_[0-9a-f]{12} by admin\\.user \\(admin\\.user-id\\): event Message, host ${host.replace('.', '\\.')} -> 200 delivered in \\d+ ms$`,
            ),
        );
        expect(lines[1]).toBe('Webhook test by plain.user (plain.user-id): refused 403 error-unauthorized');
        const all = world.host.logger.text();
        for (const secret of [TOKEN, QUERY_KEY, 'c2lnbmluZy1zZWNyZXQtZm9yLWF1ZGl0', '/webhook', 'auth-token-of-']) {
            expect(all).not.toContain(secret);
        }
    });
});
