// Hostile input: every malformed request gets a 400 naming what is wrong; no input makes the app
// throw or answer 500 (property-based, over the endpoints the engine calls).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { parseRedeliverRequest } from '../src/usecases/redeliver';
import { parseTestRequest } from '../src/usecases/test';
import { credentialsOf, startWorld, USERS, World } from './host/world';
import { render } from '../src/i18n/text';

let world: World;

beforeAll(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterAll(async () => {
    await world.close();
});

const post = (path: string, content: unknown) => world.host.post(path, { user: USERS.admin, headers: credentialsOf(USERS.admin), content });

describe('malformed requests', () => {
    it.each([
        ['a string', 'body', 'event=Message'],
        ['an array', 'body', [{ event: 'Message' }]],
        ['a number', 'body', 42],
        ['a non-string event', 'event', { event: { $gt: '' } }],
        ['a non-string roomId', 'roomId', { roomId: ['a'] }],
        ['a roomId of the wrong shape', 'roomId', { roomId: 'room id with spaces' }],
        ['a non-string url', 'url', { url: 7 }],
        ['a url with CR/LF', 'url', { url: 'https://crm.example.com/a\r\nX-Injected: 1' }],
        ['a url with a NUL', 'url', { url: 'https://crm.example.com/\u0000' }],
        ['an overlong url', 'url', { url: `https://crm.example.com/${'a'.repeat(3000)}` }],
        ['a body over 64 KiB', '64 KiB', { event: 'Message', padding: 'x'.repeat(70 * 1024) }],
    ])('answers 400 for %s, naming %s, sending nothing', async (_name, field, content) => {
        const before = world.receiver.requests.length;
        const response = await post('webhook.test', content);
        expect(response.status).toBe(400);
        expect(['error-invalid-params', 'error-invalid-event']).toContain((response.content as any).error);
        expect((response.content as any).reason).toContain(field);
        expect(world.receiver.requests.length).toBe(before);
    });

    it.each([
        ['no id', {}],
        ['a non-string id', { id: 12 }],
        ['an id with a query operator', { id: { $regex: '.*' } }],
        ['a body over 64 KiB', { id: 'dlv_1', padding: 'x'.repeat(70 * 1024) }, '64 KiB'],
    ])('answers 400 to redeliver with %s', async (_name, content, named = '"id"') => {
        const response = await post('webhook.redeliver', content);
        expect(response.status).toBe(400);
        expect((response.content as any).reason).toContain(named);
    });

    it.each([
        ['a misspelt url ("URL")', 'webhook.test', { URL: 'http://127.0.0.1:9/other' }, '"URL"'],
        ['a misspelt event ("evnt")', 'webhook.test', { evnt: 'Message' }, '"evnt"'],
        ['a misspelt roomId ("roomID")', 'webhook.test', { roomID: 'room-1' }, '"roomID"'],
        ['event null', 'webhook.test', { event: null }, '"event"'],
        ['event ""', 'webhook.test', { event: '' }, '"event"'],
        ['roomId null', 'webhook.test', { roomId: null }, '"roomId"'],
        ['roomId ""', 'webhook.test', { roomId: '' }, '"roomId"'],
        ['url "  "', 'webhook.test', { url: '  ' }, '"url"'],
        ['a misspelt events ("evnts")', 'webhook.check', { evnts: ['Message'] }, '"evnts"'],
        ['events null', 'webhook.check', { events: null }, '"events"'],
        ['an empty events list', 'webhook.check', { events: [] }, '"events"'],
        ['an extra url on a redelivery', 'webhook.redeliver', { id: 'dlv_0123456789ab', url: 'http://127.0.0.1:9/other' }, '"url"'],
    ])('answers 400 for %s, naming the field, sending nothing', async (_name, path, content, field) => {
        const before = world.receiver.requests.length;
        const response = await post(path, content);
        expect(response.status).toBe(400);
        expect((response.content as any).error).toBe('error-invalid-params');
        expect((response.content as any).reason).toContain(field);
        expect(world.receiver.requests.length).toBe(before);
    });

    it.each([
        ['webhook.deliveries', { verdct: 'dropped' }, '"verdct"'],
        ['webhook.deliveries', { id: '' }, '"id"'],
        ['webhook.deliveries', { id: 'dlv_0123456789ab', verdict: 'dropped' }, '"id"'],
        ['webhook.events', { lang: 'de' }, '"lang"'],
        ['webhook.watch', { now: '1' }, '"now"'],
    ])('answers 400 to GET %s with %j, naming the query parameter', async (path, query, name) => {
        const response = await world.host.get(path, { user: USERS.admin, headers: credentialsOf(USERS.admin), query: query as { [key: string]: string } });
        expect(response.status).toBe(400);
        expect((response.content as any).reason).toContain(name);
    });

    it('accepts no body at all, and an empty object, as the default test', async () => {
        expect((await post('webhook.test', undefined)).status).toBe(200);
        expect((await post('webhook.test', {})).status).toBe(200);
    });

    it('refuses a webhook_url setting holding a line break, sending nothing', async () => {
        world.host.settings.set('webhook_url', `${world.receiver.url}\r\nHost: evil.example.com`);
        const before = world.receiver.requests.length;
        const response = await post('webhook.test', {});
        world.host.settings.set('webhook_url', world.receiver.url);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-webhook-url' });
        expect((response.content as any).reason).toContain('webhook_url');
        expect(world.receiver.requests.length).toBe(before);
    });
});

describe('properties of request validation', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const suspicious = fc.record(
        {
            event: fc.oneof(fc.string(), fc.constantFrom('Message', 'LeadCapture', 'message '), anyJson),
            roomId: fc.oneof(fc.string(), fc.stringMatching(/^[\w-]{1,70}$/), anyJson),
            url: fc.oneof(
                fc.webPath().map((path) => `https://crm.invalid${path}`),
                fc.string(),
                fc.constantFrom('http://127.0.0.1:1/x', 'http://[::1]/', 'https://crm.example.com/\r\n'),
                anyJson,
            ),
            id: fc.oneof(fc.string(), anyJson),
        },
        { requiredKeys: [] },
    );

    it('the parsers never throw, and always say ok or name an error', () => {
        fc.assert(
            fc.property(fc.oneof(anyJson, suspicious), (body) => {
                for (const parsed of [parseTestRequest(body), parseRedeliverRequest(body)]) {
                    expect(parsed.ok || render(parsed.reason, 'en').length > 0).toBe(true);
                }
            }),
            { numRuns: 3000 },
        );
    });

    it('no body makes an endpoint throw or answer 500', async () => {
        // Requests that would be sent go nowhere slow: a closed loopback port or a name that never resolves (.invalid).
        world.host.settings.set('webhook_url', 'http://127.0.0.1:1/closed');
        world.host.settings.set('webhook_timeout_ms', 300);
        await fc.assert(
            fc.asyncProperty(fc.oneof(anyJson, suspicious), fc.constantFrom('webhook.test', 'webhook.redeliver'), async (body, path) => {
                const response = await post(path, body);
                expect([200, 400, 404]).toContain(response.status);
                expect(typeof (response.content as any).reason).toBe('string');
            }),
            { numRuns: 300 },
        );
        world.host.settings.set('webhook_url', world.receiver.url);
        world.host.settings.set('webhook_timeout_ms', 5000);
        expect(world.host.logger.text()).not.toContain('could not run');
    });
});
