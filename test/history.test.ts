// History and redelivery: the last 50 reports persisted newest first, no secrets, bodies kept and
// sent again byte for byte.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { HISTORY_LIMIT } from '../src/history/DeliveryHistory';
import { closedConversation } from './host/conversations';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    // Slash commands and buttons carry no credentials: they decide with the table an API call stored.
    await world.primePermissionTable();
    // These tests run more than the default 10 tests a minute.
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const history = async () => ((await world.host.get('webhook.deliveries', asAdmin)).content as any).deliveries as Array<any>;
const redeliver = (id: unknown, user = USERS.admin) => world.host.post('webhook.redeliver', { user, headers: credentialsOf(user), content: { id } });

describe('the delivery history', () => {
    it('lists every test newest first, with who ran it', async () => {
        const first = await world.testAs(USERS.admin);
        world.receiver.behave({ status: 500 });
        const second = await world.host.post('webhook.test', { ...asAdmin, content: { event: 'Message' } });
        const listed = await history();
        expect(listed.map((item) => item.id)).toEqual([(second.content as any).delivery.id, (first.content as any).delivery.id]);
        expect(listed[0]).toMatchObject({ event: 'Message', verdict: 'retried', status: 500, by: 'admin.user', redeliverable: true });
        expect(listed[1]).toEqual({ ...(first.content as any).delivery, by: 'admin.user', redeliverable: true });
    });

    it(`keeps only the newest ${HISTORY_LIMIT}`, async () => {
        const ids: Array<string> = [];
        for (let index = 0; index < HISTORY_LIMIT + 5; index++) {
            ids.push(((await world.testAs(USERS.admin)).content as any).delivery.id);
        }
        const listed = await history();
        expect(listed.map((item) => item.id)).toEqual(ids.reverse().slice(0, HISTORY_LIMIT));
        // The older ones are pruned after the read: one record per delivery is left, the newest 50.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const deliveryRecords = world.host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:delivery'));
        expect(deliveryRecords).toHaveLength(HISTORY_LIMIT);
    });

    it('loses no entry when tests run concurrently', async () => {
        const responses = await Promise.all(Array.from({ length: 30 }, () => world.testAs(USERS.admin)));
        const ids = responses.map((response) => (response.content as any).delivery.id);
        const listed = await history();
        expect(listed).toHaveLength(30);
        expect(new Set(listed.map((item) => item.id))).toEqual(new Set(ids));
    });

    it('returns one delivery with the exact body that was sent', async () => {
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        const response = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } });
        expect(response.status).toBe(200);
        expect((response.content as any).entry.body).toBe(world.receiver.requests[0].body);
        const missing = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: 'dlv_000000000000' } });
        expect(missing.status).toBe(404);
    });

    it("stores no secret: neither the token, nor URL credentials and query, nor the caller's auth token", async () => {
        world.host.settings.set('webhook_secret_token', 'history-secret-token');
        world.host.settings.set('webhook_url', `${world.receiver.url}?sig=url-query-secret`);
        world.receiver.behave({ status: 500, body: 'echo history-secret-token' });
        await world.testAs(USERS.admin);
        world.host.settings.set('webhook_url', world.receiver.url.replace('http://', 'http://u:url-password@'));
        await world.testAs(USERS.admin);
        await world.host.get('webhook.deliveries', asAdmin);
        const stored = JSON.stringify(world.host.store.records);
        for (const secret of ['history-secret-token', 'url-password', 'url-query-secret', 'auth-token-of-admin.user']) {
            expect(stored).not.toContain(secret);
        }
        expect(world.receiver.requests[0].headers['x-rocketchat-livechat-token']).toBe('history-secret-token');
    });

    it('still answers the test when the history cannot be written, and logs why', async () => {
        // The first test also stores the server's version: that write is not the one to fail.
        await world.testAs(USERS.admin);
        await history();
        world.host.store.failWrites(1);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        // Reading the history waits for queued writes.
        expect(await history()).toHaveLength(1);
        expect(world.host.logger.text()).toContain(`Could not record delivery ${(response.content as any).delivery.id} in the history: database unavailable`);
        await world.testAs(USERS.admin);
        expect(await history()).toHaveLength(2);
    });

    it('keeps the report but not a body too large to store, and says it cannot be redelivered', async () => {
        world.host.rooms.addRoom(
            closedConversation('lc-big', 100, () => 'x'.repeat(6000)).room,
            closedConversation('lc-big', 100, () => 'x'.repeat(6000)).messages,
        );
        const response = await world.host.post('webhook.test', { ...asAdmin, content: { roomId: 'lc-big' } });
        expect(response.status).toBe(200);
        const [item] = await history();
        expect(item.redeliverable).toBe(false);
        const again = await redeliver(item.id);
        expect(again.status).toBe(400);
        expect(again.content).toMatchObject({ error: 'error-not-redeliverable' });
    });
});

describe('redelivery', () => {
    it('sends the stored payload again, byte for byte, and records a report pointing to the original', async () => {
        const original = ((await world.host.post('webhook.test', { ...asAdmin, content: { event: 'LivechatSessionTaken' } })).content as any).delivery;
        world.receiver.behave({ status: 204, body: '' });
        const response = await redeliver(original.id);
        expect(response.status).toBe(400);
        const report = (response.content as any).delivery;
        expect(report).toMatchObject({ event: 'LivechatSessionTaken', redeliveryOf: original.id, verdict: 'dropped', status: 204 });
        expect(report.id).not.toBe(original.id);
        expect(world.receiver.requests).toHaveLength(2);
        expect(world.receiver.requests[1].body).toBe(world.receiver.requests[0].body);
        const listed = await history();
        expect(listed.map((item) => item.id)).toEqual([report.id, original.id]);
    });

    it('sends to the URL configured now', async () => {
        const original = ((await world.testAs(USERS.admin)).content as any).delivery;
        world.host.settings.set('webhook_url', '');
        const response = await redeliver(original.id);
        expect(response.content).toMatchObject({ error: 'Webhook_URL_not_set' });
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('answers 404 for an id not in the history and 400 for a missing or malformed id', async () => {
        expect((await redeliver('dlv_ffffffffffff')).status).toBe(404);
        expect((await redeliver(undefined)).status).toBe(400);
        expect((await redeliver({ $ne: null })).status).toBe(400);
        const bad = await world.host.post('webhook.redeliver', { ...asAdmin, content: 'dlv_x' });
        expect(bad.status).toBe(400);
        expect(bad.content).toMatchObject({ error: 'error-invalid-params' });
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('needs the same permission as the test', async () => {
        const original = ((await world.testAs(USERS.admin)).content as any).delivery;
        expect((await redeliver(original.id, USERS.plain)).status).toBe(403);
        expect((await world.host.get('webhook.deliveries', { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
        expect((await world.host.get('webhook.deliveries')).status).toBe(401);
        expect(world.receiver.requests).toHaveLength(1);
    });
});

describe('history and redeliver from the slash command', () => {
    const slash = async (...args: Array<string>) => {
        const before = world.host.notifier.toUsers.length;
        await world.host.runCommand('livechat-webhook-test', USERS.admin, args);
        return world.host.notifier.toUsers[before].message.text as string;
    };

    it('lists the last 10, one line each, newest first', async () => {
        const ids: Array<string> = [];
        for (let index = 0; index < 12; index++) {
            ids.push(((await world.testAs(USERS.admin)).content as any).delivery.id);
        }
        const lines = (await slash('history')).split('\n');
        expect(lines[0]).toContain('Last 10 of 12');
        expect(lines.slice(1)).toHaveLength(10);
        expect(lines[1]).toContain(ids[11]);
        expect(lines[1]).toMatch(/LivechatSession · 200 delivered · \d+ ms · by admin\.user/);
        expect(lines[10]).toContain(ids[2]);
    });

    it('keeps the order of deliveries sent within one millisecond (the clock frozen)', async () => {
        jest.useFakeTimers({
            now: Date.now(),
            doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'],
        });
        try {
            const ids: Array<string> = [];
            for (let index = 0; index < 6; index++) {
                ids.push(((await world.testAs(USERS.admin)).content as any).delivery.id);
            }
            const listed = ((await world.host.get('webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) })).content as any).deliveries;
            expect(new Set(listed.map((item: any) => item.sentAt)).size).toBe(1);
            expect(listed.map((item: any) => item.id)).toEqual([...ids].reverse());
        } finally {
            jest.useRealTimers();
        }
    });

    it('says so when nothing was recorded yet', async () => {
        expect(await slash('history')).toContain('No deliveries recorded yet');
    });

    it('redelivers by id', async () => {
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        const text = await slash('redeliver', id);
        expect(text).toContain(`redelivery of ${id}`);
        expect(world.receiver.requests).toHaveLength(2);
    });
});
