import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { expectSample } from './fixtures';
import { closedPort, startReceiver } from './host/receiver';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
});

afterEach(async () => {
    await world.close();
});

describe("the examples Rocket.Chat's app page lists (Administration → Apps → the app → APIs)", () => {
    it('every endpoint declares one for its method, with the credentials headers, and the endpoint takes it', async () => {
        world.host.settings.set('tests_per_minute', 0);
        const [api] = world.host.apis;
        for (const endpoint of api.endpoints) {
            const method = endpoint.get ? 'get' : 'post';
            const example = endpoint.examples && endpoint.examples[method];
            expect({ path: endpoint.path, declared: !!example }).toEqual({ path: endpoint.path, declared: true });
            expect(Object.keys(example!.headers || {})).toEqual(expect.arrayContaining(['X-User-Id', 'X-Auth-Token']));
            // Called as the example says (with a real user's credentials instead of the placeholders): never refused as malformed.
            const call = { user: USERS.admin, headers: credentialsOf(USERS.admin), query: example!.query, content: example!.content };
            const answer = method === 'get' ? await world.host.get(endpoint.path, call) : await world.host.post(endpoint.path, call);
            expect({ path: endpoint.path, refusedAsMalformed: [400, 500].includes(answer.status) }).toEqual({ path: endpoint.path, refusedAsMalformed: false });
        }
    });
});

describe('registration', () => {
    it('provides one public, unsecure API whose endpoints all require a logged-in user', () => {
        expect(world.host.apis).toHaveLength(1);
        const [api] = world.host.apis;
        expect(api.visibility).toBe(0); // ApiVisibility.PUBLIC
        expect(api.security).toBe(0); // ApiSecurity.UNSECURE
        const methods = api.endpoints.map((endpoint) => ({ path: endpoint.path, auth: endpoint.authRequired, get: !!endpoint.get, post: !!endpoint.post }));
        expect(methods).toEqual([
            { path: 'webhook.test', auth: true, get: false, post: true },
            { path: 'webhook.events', auth: true, get: true, post: false },
            { path: 'webhook.deliveries', auth: true, get: true, post: false },
            { path: 'webhook.redeliver', auth: true, get: false, post: true },
            { path: 'webhook.watch', auth: true, get: true, post: false },
            { path: 'webhook.check', auth: true, get: false, post: true },
            { path: 'webhook.readiness', auth: true, get: true, post: false },
            { path: 'webhook.traffic', auth: true, get: true, post: false },
            { path: 'webhook.backfill', auth: true, get: false, post: true },
        ]);
    });

    it('provides the settings with their exact ids, types and defaults', () => {
        const settings = world.host.settings.provided().map(({ id, type, packageValue }) => ({ id, type, packageValue }));
        expect(settings).toEqual([
            { id: 'webhook_url', type: 'string', packageValue: '' },
            { id: 'webhook_secret_token', type: 'password', packageValue: '' },
            { id: 'webhook_timeout_ms', type: 'int', packageValue: 5000 },
            { id: 'permission_fallback_roles', type: 'string', packageValue: 'admin,livechat-manager' },
            { id: 'permission_reader_user_id', type: 'string', packageValue: '' },
            { id: 'permission_reader_token', type: 'password', packageValue: '' },
            { id: 'webhook_signing_secret', type: 'password', packageValue: '' },
            { id: 'allowed_private_hosts', type: 'string', packageValue: '' },
            { id: 'tests_per_minute', type: 'int', packageValue: 10 },
            { id: 'watch_interval_minutes', type: 'int', packageValue: 0 },
            { id: 'watch_event', type: 'string', packageValue: 'LivechatSession' },
            { id: 'watch_failures_to_alert', type: 'int', packageValue: 3 },
            { id: 'watch_alert_room', type: 'string', packageValue: '' },
            { id: 'delivery_rules', type: 'select', packageValue: 'auto' },
        ]);
    });
});

describe('a successful test', () => {
    it('answers 200 {success: true} after the receiver got exactly the host sample, once', async () => {
        const from = Date.now();
        const response = await world.testAs(USERS.admin);
        const to = Date.now();
        expect(response.status).toBe(200);
        expect(response.content).toMatchObject({ success: true, receiverStatus: 200, url: world.receiver.url, urlSource: 'app-setting' });
        expect(response.content.error).toBeUndefined();
        expect(typeof response.content.durationMs).toBe('number');
        expect(world.receiver.requests).toHaveLength(1);
        const [received] = world.receiver.requests;
        expect(received.method).toBe('POST');
        expect(received.path).toBe('/webhook');
        expectSample(received.body, from, to);
    });

    it('sends JSON with Accept and Content-Type, and the token header only when a token is set', async () => {
        await world.testAs(USERS.admin);
        const first = world.receiver.requests[0].headers;
        expect(first['content-type']).toBe('application/json');
        expect(first['accept']).toBe('application/json');
        expect(first).not.toHaveProperty('x-rocketchat-livechat-token');

        world.host.settings.set('webhook_secret_token', 's3cr3t-token-value');
        await world.testAs(USERS.admin);
        expect(world.receiver.requests[1].headers['x-rocketchat-livechat-token']).toBe('s3cr3t-token-value');
    });

    it('sends through the IHttp accessor it was given', async () => {
        await world.testAs(USERS.admin);
        const deliveries = world.host.http.sent.filter((request) => request.url === world.receiver.url);
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0].method).toBe('post');
        expect(deliveries[0].options.timeout).toBe(5000);
    });

    it('waits for a slow receiver that answers within the timeout', async () => {
        world.host.settings.set('webhook_timeout_ms', 2000);
        world.receiver.behave({ status: 200, delayMs: 300 });
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(response.content.durationMs).toBeGreaterThanOrEqual(290);
    });

    it('counts any 200 as delivered, whatever the body', async () => {
        world.receiver.behave({ status: 200, body: '<html>thanks</html>', contentType: 'text/html' });
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(response.content.success).toBe(true);
    });

    it('trims the app URL setting', async () => {
        world.host.settings.set('webhook_url', `  ${world.receiver.url}\n`);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(world.receiver.requests).toHaveLength(1);
    });
});

describe('receiver faults answer 400 error-invalid-webhook-response', () => {
    it.each([201, 204, 304, 404, 429, 500, 503])('a receiver status of %i', async (status) => {
        world.receiver.behave({ status, body: '' });
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-webhook-response', receiverStatus: status });
        expect(response.content.reason).toContain(String(status));
        expect(world.receiver.requests).toHaveLength(1); // never retried
    });

    it('a receiver that is down', async () => {
        world.host.settings.set('webhook_url', `http://127.0.0.1:${await closedPort()}/hook`);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-webhook-response' });
        expect(response.content.reason).toMatch(/Could not reach the receiver: .*ECONNREFUSED/);
        expect(response.content.receiverStatus).toBeUndefined();
    });

    it('a receiver that never answers, cut at webhook_timeout_ms', async () => {
        world.host.settings.set('webhook_timeout_ms', 300);
        world.receiver.behave({ hang: true });
        const started = Date.now();
        const response = await world.testAs(USERS.admin);
        const elapsed = Date.now() - started;
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-webhook-response' });
        expect(response.content.reason).toContain('did not answer within 300 ms');
        expect(elapsed).toBeGreaterThanOrEqual(290);
        expect(elapsed).toBeLessThan(2500);
    });

    it('a receiver that closes the connection without answering', async () => {
        world.receiver.behave({ reset: true });
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-webhook-response' });
        expect(response.content.reason).toMatch(/Could not reach the receiver: .*(socket hang up|other side closed)/);
    });

    it('a receiver slower than the timeout', async () => {
        world.host.settings.set('webhook_timeout_ms', 200);
        world.receiver.behave({ status: 200, delayMs: 1500 });
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content.reason).toContain('did not answer within 200 ms');
    });
});

describe('which URL is tested', () => {
    it('falls back to the workspace Livechat_webhookUrl when the app setting is empty', async () => {
        world.host.settings.set('webhook_url', '');
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(response.content.urlSource).toBe('workspace-setting');
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('prefers the app setting over the workspace setting', async () => {
        const other = await startReceiver();
        try {
            world.host.serverSettings.set('Livechat_webhookUrl', other.url);
            const response = await world.testAs(USERS.admin);
            expect(response.content.urlSource).toBe('app-setting');
            expect(world.receiver.requests).toHaveLength(1);
            expect(other.requests).toHaveLength(0);
        } finally {
            await other.close();
        }
    });

    it('answers 400 Webhook_URL_not_set, sending nothing, when neither is set', async () => {
        world.host.settings.set('webhook_url', '   ');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'Webhook_URL_not_set' });
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('tolerates a workspace that refuses the app its Livechat_webhookUrl', async () => {
        world.host.settings.set('webhook_url', '');
        world.host.serverSettings.refuse('Livechat_webhookUrl');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content.error).toBe('Webhook_URL_not_set');
    });

    it.each([
        ['not-a-url', /not an absolute URL/, 'error-invalid-webhook-url'],
        ['not a url', /spaces, line breaks or control characters/, 'error-invalid-webhook-url'],
        ['http://', /not an absolute URL/, 'error-invalid-webhook-url'],
        ['http://crm.example.com/a\nb', /line breaks or control characters/, 'error-invalid-webhook-url'],
        ['ftp://files.example.com/hook', /only http and https/, 'error-ssrf-validation-failed'],
        ['javascript:alert(1)', /only http and https/, 'error-ssrf-validation-failed'],
    ])('answers 400 for %j, sending nothing', async (url, reason, error) => {
        world.host.settings.set('webhook_url', url);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error });
        expect(response.content.reason).toMatch(reason);
        expect(world.receiver.requests).toHaveLength(0);
    });
});

describe('bad settings get a clear 400, never a 500', () => {
    it.each([0, -5, 1.5, 'soon', '', 120001, null])('webhook_timeout_ms of %j', async (value) => {
        world.host.settings.set('webhook_timeout_ms', value);
        const response = await world.testAs(USERS.admin);
        if (value === null) {
            // null means "not set": the engine serves the package value, 5000.
            expect(response.status).toBe(200);
            return;
        }
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-setting' });
        expect(response.content.reason).toContain('webhook_timeout_ms');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('accepts a timeout stored as a numeric string', async () => {
        world.host.settings.set('webhook_timeout_ms', '1500');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(world.host.http.sent.find((request) => request.url === world.receiver.url)?.options.timeout).toBe(1500);
    });

    it('refuses a token with a line break rather than sending a broken header', async () => {
        world.host.settings.set('webhook_secret_token', 'abc\r\nX-Injected: yes');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect(response.content.reason).toContain('webhook_secret_token');
        expect(JSON.stringify(response.content)).not.toContain('abc');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it.each([
        ['a euro sign', 'Zq9€x'],
        ['an accented letter', 'Zqé9x'],
        ['a tab', 'Zq9\tx'],
        ['a leading space', ' Zq9x'],
        ['a trailing space', 'Zq9x '],
        ['a non-breaking space', 'Zq9\u00a0x'],
        ['an emoji', 'Zq9🔑'],
    ])('refuses a token with %s as error-invalid-setting naming the setting, never its value, sending nothing', async (_name, token) => {
        world.host.settings.set('webhook_secret_token', token);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect(response.content.reason).toContain('webhook_secret_token');
        expect(response.content.reason).toContain('visible ASCII');
        expect(JSON.stringify(response.content)).not.toContain(token);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it.each([
        ['webhook_secret_token', 'short7!', 'too short'],
        ['webhook_signing_secret', ' whsec_c2F2ZWQtdXJsLW9ubHktc2lnbmluZy1zZWNyZXQ=', 'starts or ends with a space'],
        ['webhook_signing_secret', 'whsec_c2F2ZWQtdXJsLW9ubHktc2lnbmluZy1zZWNyZXQ=\n', 'starts or ends with a space'],
        ['webhook_signing_secret', 'short', 'too short'],
        ['webhook_signing_secret', 'whsec_AAAA', 'too short'],
    ])('refuses %s %j as error-invalid-setting (%s)', async (id, value, why) => {
        world.host.settings.set(id, value);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect(response.content.reason).toContain(id);
        expect(response.content.reason).toContain(why);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('accepts a token of visible ASCII with spaces inside, and sends it unchanged', async () => {
        const token = 'Bearer a-b_c.d~e!f#g$h%i&j*k+l/m=n?o^p`q|r}s{t';
        world.host.settings.set('webhook_secret_token', token);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(world.receiver.requests[0].headers['x-rocketchat-livechat-token']).toBe(token);
    });
});

describe('a fault of the host itself', () => {
    it('becomes a 500 answer and a reply, never an exception', async () => {
        world.host.settings.getValueById = async () => {
            throw new Error('settings store unavailable');
        };
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(500);
        expect(response.content).toMatchObject({ success: false, error: 'error-internal' });
        await world.host.runCommand('livechat-webhook-test', USERS.admin);
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-internal');
        expect(world.host.logger.text()).toContain('settings store unavailable');
        expect(world.receiver.requests).toHaveLength(0);
    });
});
