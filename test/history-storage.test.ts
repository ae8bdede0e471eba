// The history's storage: one record per delivery, so that a test costs the same at any history size
// and app instances sharing one persistence (a Rocket.Chat cluster) lose nothing; the upgrade from
// 0.1.0's single record; the delivery detail, filters and stats.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { HISTORY_LIMIT } from '../src/history/DeliveryHistory';
import { closedConversation } from './host/conversations';
import { LocalHost } from './host/localHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';

import legacy from './fixtures/history-0.1.0.json';
import legacyCheck from './fixtures/check-0.2.0.json';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));
const list = async (host: LocalHost = world.host, query: { [name: string]: string } = {}) =>
    (await host.get('webhook.deliveries', { ...asAdmin, query })).content as any;
const recordsWith = (id: string) => world.host.store.records.filter((record) => record.associations.some((key) => key.id === id));

describe('one record per delivery', () => {
    it('a test creates its own record and reads or rewrites no other: the same number of store calls with a full history', async () => {
        // The first test stores the permission table and the server's version: done before counting.
        await world.testAs(USERS.admin);
        const callsOfOneTest = async () => {
            await settle();
            const before = world.host.store.calls;
            await world.testAs(USERS.admin);
            await settle();
            return world.host.store.calls - before;
        };
        const empty = await callsOfOneTest();
        for (let index = 0; index < HISTORY_LIMIT + 3; index++) {
            await world.testAs(USERS.admin);
        }
        await list();
        await settle(200);
        // Pruning (every PRUNE_EVERY writes, after the answer) is extra: the history is listed and pruned first.
        const writesSoFar = recordsWith('livechat-webhook-test:delivery').length;
        expect(writesSoFar).toBe(HISTORY_LIMIT);
        const full = await callsOfOneTest();
        expect(empty).toBe(1);
        expect(full).toBe(1);
    });

    it('keeps a large room payload apart from its record, so that listing does not read it', async () => {
        const conversation = closedConversation('lc-large', 40, () => 'y'.repeat(500));
        world.host.rooms.addRoom(conversation.room, conversation.messages);
        await world.host.post('webhook.test', { ...asAdmin, content: { roomId: 'lc-large' } });
        await settle();
        const [main] = recordsWith('livechat-webhook-test:delivery');
        const [detail] = recordsWith('livechat-webhook-test:delivery-detail');
        expect(JSON.stringify(main.data).length).toBeLessThan(4000);
        expect(JSON.stringify(detail.data).length).toBeGreaterThan(20000);
        const { entry } = (await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: (main.data as any).report.id } })).content as any;
        expect(entry.body).toBe(world.receiver.requests[0].body);
    });

    it('two instances sharing one store, 60 concurrent tests each: exactly the newest 50 by sentAt, none lost, none twice', async () => {
        const other = await world.anotherInstance();
        const run = (host: LocalHost) => Promise.all(Array.from({ length: 60 }, () => host.post('webhook.test', asAdmin)));
        const [mine, theirs] = await Promise.all([run(world.host), run(other)]);
        const all = [...mine, ...theirs].map((response) => (response.content as any).delivery);
        expect(new Set(all.map((delivery) => delivery.id)).size).toBe(120);
        await settle(200);
        const newest = [...all].sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt)).slice(0, HISTORY_LIMIT);
        const sentAt = new Map(all.map((delivery) => [delivery.id, delivery.sentAt]));
        // Deliveries sent within one millisecond may come in either order; both instances agree on it.
        const lists: Array<Array<string>> = [];
        for (const host of [world.host, other]) {
            const listed = (await list(host)).deliveries.map((item: any) => item.id as string);
            expect(new Set(listed).size).toBe(HISTORY_LIMIT);
            expect(listed.map((id: string) => sentAt.get(id))).toEqual(newest.map((delivery) => delivery.sentAt));
            lists.push(listed);
        }
        expect(lists[1]).toEqual(lists[0]);
        // Both instances pruned what they saw; what is left is the newest 50, once each.
        await settle(300);
        const left = recordsWith('livechat-webhook-test:delivery').map((record) => (record.data as any).report.id);
        expect(left.sort()).toEqual([...lists[0]].sort());
    });

    it('a restart (a new instance over the same store) lists the same history and redelivers from it', async () => {
        for (let index = 0; index < 5; index++) {
            await world.host.post('webhook.test', { ...asAdmin, content: { event: index % 2 ? 'Message' : 'LeadCapture' } });
        }
        const before = await list();
        const restarted = await world.anotherInstance();
        const after = await list(restarted);
        expect(after.deliveries).toEqual(before.deliveries);
        const again = await restarted.post('webhook.redeliver', { ...asAdmin, content: { id: before.deliveries[2].id } });
        expect(again.status).toBe(200);
        expect(world.receiver.requests[5].body).toBe(world.receiver.requests[2].body);
    });

    it('a failed write loses only that delivery, and is logged', async () => {
        const first = await world.testAs(USERS.admin);
        await settle();
        world.host.store.failWrites(1);
        const lost = await world.testAs(USERS.admin);
        const kept = await world.testAs(USERS.admin);
        const listed = (await list()).deliveries.map((item: any) => item.id);
        expect(listed).toEqual([(kept.content as any).delivery.id, (first.content as any).delivery.id]);
        expect(world.host.logger.text()).toContain(`Could not record delivery ${(lost.content as any).delivery.id} in the history: database unavailable`);
    });
});

describe('the upgrade from 0.1.0', () => {
    const legacyIds = legacy.data.entries.map((entry) => entry.report.id);
    // The record exactly as 0.1.0 left it (fixture written by 0.1.0's own code).
    const install = (host: LocalHost) =>
        host.store
            .writer()
            .createWithAssociation(
                legacy.data,
                new RocketChatAssociationRecord(legacy.associations[0].model as RocketChatAssociationModel, legacy.associations[0].id),
            );

    it('moves the old single record into one record per delivery on first read, in the same order, and removes it', async () => {
        await install(world.host);
        const listed = await list();
        expect(listed.deliveries.map((item: any) => item.id)).toEqual(legacyIds);
        expect(listed.deliveries[0]).toMatchObject({ ...legacy.data.entries[0].report, by: 'admin.user', redeliverable: true });
        expect(recordsWith('livechat-webhook-test:delivery-history')).toHaveLength(0);
        expect(recordsWith('livechat-webhook-test:delivery')).toHaveLength(legacyIds.length);
        // Once: a second read moves nothing more.
        await list();
        expect(recordsWith('livechat-webhook-test:delivery')).toHaveLength(legacyIds.length);
    });

    it('redelivers a migrated delivery byte for byte', async () => {
        await install(world.host);
        const target = legacy.data.entries.find((entry) => entry.report.event === 'Message')!;
        const again = await world.host.post('webhook.redeliver', { ...asAdmin, content: { id: target.report.id } });
        expect(again.status).toBe(200);
        expect(world.receiver.requests[0].body).toBe(target.body);
        expect((again.content as any).delivery.redeliveryOf).toBe(target.report.id);
    });

    it('two instances starting together: each delivery once', async () => {
        await install(world.host);
        const other = await world.anotherInstance();
        const [mine, theirs] = await Promise.all([list(), list(other)]);
        expect(mine.deliveries.map((item: any) => item.id)).toEqual(legacyIds);
        expect(theirs.deliveries.map((item: any) => item.id)).toEqual(legacyIds);
        await settle(200);
        expect((await list()).deliveries.map((item: any) => item.id)).toEqual(legacyIds);
        // Both may have written an entry; the duplicates are pruned.
        await settle(200);
        expect(recordsWith('livechat-webhook-test:delivery')).toHaveLength(legacyIds.length);
        expect(recordsWith('livechat-webhook-test:delivery-history')).toHaveLength(0);
    });

    it('new tests beside migrated ones sort by time', async () => {
        await install(world.host);
        const fresh = await world.testAs(USERS.admin);
        expect((await list()).deliveries.map((item: any) => item.id)).toEqual([(fresh.content as any).delivery.id, ...legacyIds]);
    });
});

describe("0.2.0's receiver checks (kept as deliveries with a made-up verdict)", () => {
    it("read as checks: listed with their brief in the reader's words, found with their steps, never sent again", async () => {
        for (const record of legacyCheck.records) {
            await world.host.store.bridgeMethods().createWithAssociations(record.data, record.associations);
        }
        const listed = (await list()).deliveries;
        expect(listed).toHaveLength(1);
        expect(listed[0]).toMatchObject({ kind: 'check', id: legacyCheck.id, source: { kind: 'check' }, redeliverable: false, check: { ready: true } });
        expect(listed[0].verdict).toBeUndefined();
        expect(listed[0].summary).toMatch(/^Receiver check: \d+ steps, 0 errors and \d+ other findings?\.$/);
        const found = (await list(world.host, { id: legacyCheck.id })).entry;
        expect(found).toMatchObject({ kind: 'check', id: legacyCheck.id, check: { ready: true } });
        expect(found.check.steps.length).toBeGreaterThan(0);
        const again = await world.host.post('webhook.redeliver', { ...asAdmin, content: { id: legacyCheck.id } });
        expect(again.status).toBe(400);
        expect(again.content).toMatchObject({ error: 'error-not-redeliverable' });
    });
});

describe('the delivery detail', () => {
    it('keeps the request headers sent (token and signature masked) and the response headers received', async () => {
        world.host.settings.set('webhook_secret_token', 'detail-secret-token');
        world.host.settings.set('webhook_signing_secret', 'whsec_ZGV0YWlsLXNpZ25pbmctc2VjcmV0LTEyMzQ1Njc=');
        world.receiver.behave({ status: 200, body: '{}', headers: { 'X-Request-Id': 'req-42', 'X-Echo': 'detail-secret-token' } });
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        const { entry } = (await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } })).content as any;
        expect(entry.request.headers).toMatchObject({
            'Content-Type': 'application/json',
            'X-RocketChat-Livechat-Token': '***',
            'webhook-id': id,
            'webhook-signature': '***',
        });
        expect(entry.request.headers['webhook-timestamp']).toMatch(/^\d+$/);
        expect(entry.response.headers).toMatchObject({ 'x-request-id': 'req-42', 'x-echo': '***' });
        const stored = JSON.stringify(world.host.store.records);
        expect(stored).not.toContain('detail-secret-token');
        expect(stored).not.toContain(world.receiver.requests[0].headers['webhook-signature']);
    });

    it('keeps at most 50 response headers, each value cut at 256 characters', async () => {
        const headers: { [name: string]: string } = {};
        for (let index = 0; index < 70; index++) {
            headers[`x-h${String(index).padStart(2, '0')}`] = 'v'.repeat(index === 0 ? 400 : 20);
        }
        world.receiver.behave({ status: 200, body: '{}', headers });
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        const { entry } = (await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } })).content as any;
        const kept = Object.entries(entry.response.headers as { [name: string]: string });
        expect(kept).toHaveLength(50);
        expect(Math.max(...kept.map(([, value]) => value.length))).toBe(256);
    });

    it('an answer with many long headers keeps its detail in its one record: one write, at most 4 KiB of headers', async () => {
        await world.testAs(USERS.admin);
        await settle();
        world.receiver.behave({
            status: 200,
            body: '{}',
            headers: Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`x-trace-${index}`, 'h'.repeat(250)])),
        });
        const before = world.host.store.calls;
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        await settle();
        expect(world.host.store.calls - before).toBe(1);
        expect(recordsWith(`livechat-webhook-test:delivery:${id}`)).toHaveLength(1);
        const { entry } = (await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } })).content as any;
        const kept = Object.entries(entry.response.headers as { [name: string]: string });
        expect(kept.length).toBeGreaterThan(10);
        expect(kept.reduce((bytes, [name, value]) => bytes + name.length + value.length, 0)).toBeLessThanOrEqual(4096);
    });

    it('answers 400 for an id that is not one, 404 for an unknown one', async () => {
        expect((await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: '../etc' } })).status).toBe(400);
        expect((await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: 'dlv_000000000000' } })).status).toBe(404);
    });
});

describe('filters and stats', () => {
    /** 6 deliveries: 3 delivered (2 LivechatSession, 1 Message), 2 retried (Message 503, LeadCapture 500), 1 dropped (LivechatSession 204). */
    async function fill(): Promise<void> {
        const run = async (status: number, event: string, delayMs = 0) => {
            world.receiver.behave({ status, delayMs });
            await world.host.post('webhook.test', { ...asAdmin, content: { event } });
        };
        await run(200, 'LivechatSession', 5);
        await run(200, 'LivechatSession', 25);
        await run(200, 'Message', 45);
        await run(503, 'Message', 65);
        await run(500, 'LeadCapture', 85);
        await run(204, 'LivechatSession', 105);
    }

    it('counts per verdict and per event, with the success rate and the p50/p95 of the duration', async () => {
        await fill();
        const { stats, deliveries } = await list();
        expect(deliveries).toHaveLength(6);
        expect(stats).toMatchObject({ total: 6, byVerdict: { delivered: 3, retried: 2, dropped: 1 }, successRate: 0.5 });
        // Nearest rank over the 6 measured durations: p50 is the 3rd, p95 the 6th (no wall-clock bound: a busy machine adds time).
        const durations = deliveries.map((item: any) => item.durationMs as number).sort((a: number, b: number) => a - b);
        expect(stats.p50Ms).toBe(durations[2]);
        expect(stats.p95Ms).toBe(durations[5]);
        expect(stats.p50Ms).toBeGreaterThanOrEqual(45);
        expect(stats.p95Ms).toBeGreaterThanOrEqual(105);
        expect(stats.byEvent.LivechatSession).toMatchObject({ total: 3, byVerdict: { delivered: 2, dropped: 1 }, successRate: 0.6667 });
        expect(stats.byEvent.Message).toMatchObject({ total: 2, byVerdict: { delivered: 1, retried: 1 }, successRate: 0.5 });
        expect(stats.byEvent.LeadCapture).toMatchObject({ total: 1, byVerdict: { retried: 1 }, successRate: 0 });
    });

    it.each([
        [{ verdict: 'retried' }, 2],
        [{ event: 'livechatsession' }, 3],
        [{ event: 'Message', verdict: 'delivered' }, 1],
        [{ source: 'sample' }, 6],
        [{ source: 'room' }, 0],
        [{ limit: '2' }, 2],
    ])('filters %j → %i listed, the stats over all that match', async (query, count) => {
        await fill();
        const answer = await list(world.host, query as { [name: string]: string });
        expect(answer.deliveries).toHaveLength(count);
        expect(answer.stats.total).toBe('limit' in query ? 6 : count);
    });

    it.each([
        [{ verdict: 'ok' }, 'verdict'],
        [{ event: 'Nope' }, 'event'],
        [{ source: 'both' }, 'source'],
        [{ limit: '0' }, 'limit'],
        [{ limit: '51' }, 'limit'],
        [{ limit: 'ten' }, 'limit'],
    ])('answers 400 naming the parameter for %j', async (query, name) => {
        const response = await world.host.get('webhook.deliveries', { ...asAdmin, query: query as { [name: string]: string } });
        expect(response.status).toBe(400);
        expect((response.content as any).reason).toContain(`"${name}"`);
    });

    it("the slash command's history names the success rate and the p50", async () => {
        await fill();
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['history']);
        const text = world.host.notifier.toUsers[0].message.text as string;
        expect(text.split('\n')[0]).toMatch(/^Last 6 of 6 deliveries \(50 % delivered, median \d+ ms\)/);
    });
});
