// What a receiver check costs: its requests count against tests_per_minute, one check per user at
// a time, and the history lists checks by their brief (their steps are read only by id).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { credentialsOf, startWorld, USERS, World } from './host/world';
import { startReceiver } from './host/receiver';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('webhook_secret_token', 'load-secret-token');
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const asManager = { user: USERS.manager, headers: credentialsOf(USERS.manager) };

describe('a check against the rate limit', () => {
    it("10 parallel checks of another URL by one user send one check's requests; the minute's limit is spent", async () => {
        world.host.settings.set('tests_per_minute', 10);
        const third = await startReceiver({ status: 200, delayMs: 50 });
        try {
            const answers = await Promise.all(Array.from({ length: 10 }, () => world.host.post('webhook.check', { ...asAdmin, content: { url: third.url } })));
            const statuses = answers.map((answer) => answer.status).sort();
            expect(statuses).toEqual([200, ...Array(9).fill(409)]);
            // 9 events, the real-shaped one and the duplicate: 11 requests, counted as the whole minute's 10.
            expect(third.requests).toHaveLength(11);
            const next = await world.host.post('webhook.test', asAdmin);
            expect(next.status).toBe(429);
            expect(next.content).toMatchObject({ error: 'error-too-many-requests' });
            expect(world.receiver.requests).toHaveLength(0);
        } finally {
            await third.close();
        }
    });

    it('a check that does not fit in what is left of the minute is refused, naming its cost', async () => {
        world.host.settings.set('tests_per_minute', 10);
        for (let index = 0; index < 6; index++) {
            expect((await world.host.post('webhook.test', asAdmin)).status).toBe(200);
        }
        const check = await world.host.post('webhook.check', { ...asAdmin, content: { events: ['LivechatSession'] } });
        // LivechatSession, the real-shaped one, two token probes and the duplicate: 5 requests, 4 left.
        expect(check.status).toBe(429);
        expect((check.content as any).reason).toContain('A receiver check sends 5 requests');
        expect(world.receiver.requests).toHaveLength(6);
        // Another user's minute is their own.
        expect((await world.host.post('webhook.check', { ...asManager, content: { events: ['LivechatSession'] } })).status).toBe(200);
    });
});

describe('checks in the history', () => {
    it('after 50 full checks, listing reads and answers under 100 KB; a check by id still has its steps', async () => {
        world.host.settings.set('tests_per_minute', 0);
        for (let index = 0; index < 50; index++) {
            expect((await world.host.post('webhook.check', asAdmin)).status).toBe(200);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        const listed = world.host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:delivery'));
        expect(listed).toHaveLength(50);
        const readBytes = listed.reduce((sum, record) => sum + JSON.stringify(record.data).length, 0);
        const response = await world.host.get('webhook.deliveries', asAdmin);
        const answerBytes = JSON.stringify(response.content).length;
        console.log(`after 50 checks: listing reads ${readBytes} bytes, answers ${answerBytes} bytes`);
        expect(readBytes).toBeLessThan(100 * 1024);
        expect(answerBytes).toBeLessThan(100 * 1024);
        const first = (response.content as any).deliveries[0];
        // The test receiver checks no token: the two token probes are errors; the workspace's own finding (no Webhook URL) is counted among the findings, not the errors.
        expect(first.check).toEqual({ ready: false, stepCount: 13, errors: 2, findings: 4 });
        const one = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: first.id } });
        expect((one.content as any).entry.check.steps).toHaveLength(13);
        expect((one.content as any).entry.check.problems).toHaveLength(4);
    });
});
