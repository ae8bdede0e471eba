// The engine answers any call to the app with a 500 after 30 s. What runs longer than the app's
// engine budget (25 s; 2 s here, see host/budgets.ts) is answered 202 with its id (REST), or "still
// running" then the outcome (slash command), and its outcome lands in the history. The real 25 s is
// proven in npm run e2e. Real time: these tests wait for slow loopback receivers.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { SHORT_BUDGETS, withBudgets } from './host/budgets';
import { startReceiver } from './host/receiver';
import { credentialsOf, startWorld, USERS, World } from './host/world';

const ENGINE_BUDGET_MS = SHORT_BUDGETS.engineMs;

let world: World;

beforeEach(async () => {
    world = await startWorld(withBudgets(LivechatWebhookTestApp, SHORT_BUDGETS));
    world.host.settings.set('webhook_timeout_ms', 60000);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the engine's 30 s limit", () => {
    it('a receiver slower than the budget: webhook.test answers 202 with the id at the budget, the slash command says "still running" then posts the outcome, the history keeps it', async () => {
        world.receiver.behave({ status: 200, delayMs: ENGINE_BUDGET_MS + 1000 });
        await world.primePermissionTable();
        const started = Date.now();
        const [answer] = await Promise.all([
            world.host.post('webhook.test', asAdmin).then((response) => ({ response, at: Date.now() - started })),
            world.host.runCommand('livechat-webhook-test', USERS.admin, ['Message']),
        ]);
        expect(answer.at).toBeLessThan(ENGINE_BUDGET_MS + 2000);
        expect(answer.response.status).toBe(202);
        const content = answer.response.content as any;
        expect(content).toMatchObject({ success: true, running: { id: expect.stringMatching(/^dlv_[0-9a-f]{12}$/), kind: 'delivery' } });
        expect(content.reason).toContain(`webhook.deliveries?id=${content.running.id}`);
        const id = content.running.id;
        const still = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } });
        expect(still.status).toBe(202);
        expect((still.content as any).running.id).toBe(id);
        expect(world.host.notifier.toUsers.map((sent) => String(sent.message.text).split('\n')[0])).toEqual([
            expect.stringMatching(/^⏳ The delivery dlv_[0-9a-f]{12} is still running/),
        ]);

        await settle(1500);
        const done = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } });
        expect(done.status).toBe(200);
        expect((done.content as any).entry).toMatchObject({ id, verdict: 'delivered', status: 200 });
        expect(world.host.notifier.toUsers).toHaveLength(2);
        expect(String(world.host.notifier.toUsers[1].message.text)).toMatch(/^✅ Delivered: Message to /);
        // The engine keeps a call's log lines only until it answers: the outcome's record is the history's.
        expect(world.host.logger.text()).toMatch(/Webhook test dlv_[0-9a-f]{12} by admin\.user \([\w.-]+\): still running, answered 202/);
    }, 20000);

    it('an 11-step check of a receiver that takes 250 ms a step answers 202 with the check id; the check lands in the history', async () => {
        const slow = await startReceiver({ status: 200, delayMs: 250 });
        try {
            const started = Date.now();
            const response = await world.host.post('webhook.check', { ...asAdmin, content: { url: slow.url } });
            expect(Date.now() - started).toBeLessThan(ENGINE_BUDGET_MS + 2000);
            expect(response.status).toBe(202);
            const id = (response.content as any).running.id;
            expect(id).toMatch(/^chk_[0-9a-f]{12}$/);
            // A second check by the same user while it runs is refused.
            const again = await world.host.post('webhook.check', { ...asAdmin, content: { url: slow.url } });
            expect(again.status).toBe(409);
            expect(again.content).toMatchObject({ error: 'error-check-running', reason: expect.stringContaining(id) });
            await settle(1500);
            const done = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id } });
            expect(done.status).toBe(200);
            expect((done.content as any).entry.check.steps).toHaveLength(11);
            expect(slow.requests).toHaveLength(11);
        } finally {
            await slow.close();
        }
    }, 20000);
});
