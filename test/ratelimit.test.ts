// At most tests_per_minute tests per user; more get 429 with Retry-After and send nothing.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    // Slash commands and buttons carry no credentials: they decide with the table an API call stored.
    await world.primePermissionTable();
});

afterEach(async () => {
    jest.restoreAllMocks();
    await world.close();
});

describe('the rate limit', () => {
    it('lets 10 tests a minute through by default, then answers 429 with Retry-After, sending nothing', async () => {
        for (let index = 0; index < 10; index++) {
            expect((await world.testAs(USERS.admin)).status).toBe(200);
        }
        const refused = await world.testAs(USERS.admin);
        expect(refused.status).toBe(429);
        expect(refused.content).toMatchObject({ success: false, error: 'error-too-many-requests' });
        const retryAfter = Number(refused.headers!['Retry-After']);
        expect(retryAfter).toBeGreaterThanOrEqual(59);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect((refused.content as any).retryAfterSeconds).toBe(retryAfter);
        expect((refused.content as any).reason).toContain('tests_per_minute');
        expect(world.receiver.requests).toHaveLength(10);
    });

    it('does not count a request refused before anything is sent: bad input (400), an unknown conversation or delivery (404), a backfill to another URL (409)', async () => {
        const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
        const refused = [
            await world.host.post('webhook.test', { ...asAdmin, content: { event: 'Nope' } }),
            await world.host.post('webhook.test', { ...asAdmin, content: { roomId: 'no-such-room' } }),
            await world.host.post('webhook.redeliver', { ...asAdmin, content: { id: 'dlv_000000000000' } }),
            await world.host.post('webhook.check', { ...asAdmin, content: { events: ['Nope'] } }),
            await world.host.post('webhook.backfill', { ...asAdmin, content: { from: '2026-12-06T09:00:00Z', to: '2026-12-06T10:00:00Z' } }),
        ];
        expect(refused.map((response) => response.status)).toEqual([400, 404, 404, 400, 409]);
        // Test now with a watch setting out of range: refused, not counted.
        world.host.settings.set('watch_failures_to_alert', 0);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['watch', 'now']);
        expect(String(world.host.notifier.toUsers[world.host.notifier.toUsers.length - 1].message.text)).toContain('watch_failures_to_alert');
        world.host.settings.set('watch_failures_to_alert', 3);
        for (let index = 0; index < 10; index++) {
            expect((await world.testAs(USERS.admin)).status).toBe(200);
        }
        expect((await world.testAs(USERS.admin)).status).toBe(429);
    });

    it('counts per user', async () => {
        world.host.settings.set('tests_per_minute', 1);
        expect((await world.testAs(USERS.admin)).status).toBe(200);
        expect((await world.testAs(USERS.admin)).status).toBe(429);
        expect((await world.testAs(USERS.manager)).status).toBe(200);
    });

    it('opens again once the oldest test is a minute old', async () => {
        world.host.settings.set('tests_per_minute', 2);
        let now = Date.parse('2026-11-24T10:00:00Z');
        jest.spyOn(Date, 'now').mockImplementation(() => now);
        await world.testAs(USERS.admin);
        now += 30000;
        await world.testAs(USERS.admin);
        now += 10000;
        const refused = await world.testAs(USERS.admin);
        expect(refused.status).toBe(429);
        expect(refused.headers!['Retry-After']).toBe('20');
        now += 20000;
        expect((await world.testAs(USERS.admin)).status).toBe(200);
    });

    it('counts redeliveries, not history reads', async () => {
        world.host.settings.set('tests_per_minute', 2);
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        for (let index = 0; index < 5; index++) {
            expect((await world.host.get('webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) })).status).toBe(200);
        }
        expect((await world.host.post('webhook.redeliver', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { id } })).status).toBe(200);
        expect((await world.host.post('webhook.redeliver', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { id } })).status).toBe(429);
    });

    it('is off at 0', async () => {
        world.host.settings.set('tests_per_minute', 0);
        for (let index = 0; index < 25; index++) {
            expect((await world.testAs(USERS.admin)).status).toBe(200);
        }
    });

    it('tells the slash command user when to retry', async () => {
        world.host.settings.set('tests_per_minute', 1);
        await world.host.runCommand('livechat-webhook-test', USERS.admin);
        await world.host.runCommand('livechat-webhook-test', USERS.admin);
        const text = world.host.notifier.toUsers[1].message.text as string;
        expect(text).toMatch(/try again in \d+ s/);
        expect(world.receiver.requests).toHaveLength(1);
    });

    it.each([-1, 1.5, 'lots'])('answers a clear setting error for tests_per_minute %j', async (value) => {
        world.host.settings.set('tests_per_minute', value);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect((response.content as any).reason).toContain('tests_per_minute');
    });
});
