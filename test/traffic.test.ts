// Real traffic: the Omnichannel events the engine hands the app, journaled with what Rocket.Chat made
// of each (sent, or the setting that kept it), listed and counted by GET webhook.traffic.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { GENERAL_ROOM } from './host/localHost';
import { DEFAULT_PERMISSION_TABLE } from './host/permissionHost';
import { EngineEvent, Omnichannel } from './host/omnichannel';
import { JournalStore } from '../src/traffic/journal';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;
let omnichannel: Omnichannel;

const FLAGS = {
    Livechat_webhook_on_start: true,
    Livechat_webhook_on_chat_taken: false,
    Livechat_webhook_on_forward: true,
    Livechat_webhook_on_close: true,
    Livechat_webhook_on_visitor_message: true,
    Livechat_webhook_on_agent_message: false,
    Livechat_webhook_on_capture: true,
};

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_url', '');
    world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
    for (const [id, value] of Object.entries(FLAGS)) {
        world.host.serverSettings.set(id, value);
    }
    omnichannel = new Omnichannel(world.host);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const traffic = async (query: { [name: string]: string } = {}, as = asAdmin) => (await world.host.get('webhook.traffic', { ...as, query })).content as any;

async function conversation(id: string): Promise<void> {
    await omnichannel.start(id);
    await omnichannel.take(id);
    await omnichannel.visitorSays(id, 'Hello, my order A-1001 is late');
    await omnichannel.agentSays(id, 'Let me check');
    await omnichannel.close(id);
}

describe('the journal of real traffic', () => {
    it('a conversation started, taken, messaged both ways and closed: each delivery sent or not as the flags say', async () => {
        await conversation('lc-traffic-1');
        const answer = await traffic();
        expect(answer.success).toBe(true);
        const events = [...answer.events].reverse().map((event: any) => [event.event, event.sent, event.setting]);
        expect(events).toEqual([
            ['LivechatSessionStart', true, 'Livechat_webhook_on_start'],
            ['LivechatSessionTaken', false, 'Livechat_webhook_on_chat_taken'],
            ['Message', true, 'Livechat_webhook_on_visitor_message'],
            ['LeadCapture', true, 'Livechat_webhook_on_capture'],
            ['Message', false, 'Livechat_webhook_on_agent_message'],
            ['LivechatSession', true, 'Livechat_webhook_on_close'],
        ]);
        expect(answer.counts).toMatchObject({
            LivechatSessionTaken: { seen: 1, sent: 0, notSent: { Livechat_webhook_on_chat_taken: 1 } },
            Message: { seen: 2, sent: 1, notSent: { Livechat_webhook_on_agent_message: 1 } },
            LivechatSession: { seen: 1, sent: 1 },
        });
        expect(answer.events.every((event: any) => event.roomId === 'lc-traffic-1' && /^evt_[0-9a-f]{12}(-1)?$/.test(event.id))).toBe(true);
    });

    it('keeps no text, token, name, e-mail or phone of the conversation', async () => {
        await conversation('lc-traffic-2');
        const stored = JSON.stringify(world.host.store.records);
        for (const secret of ['my order A-1001', 'Let me check', 'visitor-token-ana', 'Ana Visitor', 'ana@example.com', '+5511999990000']) {
            expect(stored).not.toContain(secret);
        }
    });

    it('with no Webhook URL, every event is journaled as not sent, because of it', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', '');
        await omnichannel.start('lc-traffic-3');
        await omnichannel.close('lc-traffic-3');
        const answer = await traffic();
        expect(answer.events.map((event: any) => [event.event, event.sent, event.setting])).toEqual([
            ['LivechatSession', false, 'Livechat_webhookUrl'],
            ['LivechatSessionStart', false, 'Livechat_webhookUrl'],
        ]);
    });

    it('reads the workspace settings once for events arriving together, again after a few seconds', async () => {
        const before = world.host.serverSettings.reads.length;
        await conversation('lc-traffic-7');
        const reads = world.host.serverSettings.reads.slice(before);
        // Omnichannel on, the URL, the timeout and the nine switches: once for the six events.
        expect(reads.filter((id) => id === 'Livechat_webhook_on_close')).toHaveLength(1);
    });

    it('a forward to an agent is a LivechatSessionForwarded, not a take: the assignment it made is taken back', async () => {
        world.host.serverSettings.set('Livechat_webhook_on_chat_taken', true);
        await omnichannel.start('lc-traffic-4');
        await omnichannel.take('lc-traffic-4');
        await omnichannel.forward('lc-traffic-4');
        const answer = await traffic();
        expect(answer.events.map((event: any) => event.event).reverse()).toEqual(['LivechatSessionStart', 'LivechatSessionTaken', 'LivechatSessionForwarded']);
    });

    it('a closed conversation whose details are saved is a LivechatEdit (no switch of its own); an open one sends nothing', async () => {
        await omnichannel.start('lc-traffic-5');
        await omnichannel.saveInfo('lc-traffic-5');
        await omnichannel.close('lc-traffic-5');
        await omnichannel.saveInfo('lc-traffic-5');
        const answer = await traffic({ event: 'LivechatEdit' });
        expect(answer.events.map((event: any) => [event.event, event.sent, event.setting])).toEqual([['LivechatEdit', true, '']]);
    });

    it('asks nothing, reads nothing and writes nothing for a message outside Omnichannel', async () => {
        const before = { store: world.host.store.calls, settings: world.host.serverSettings.reads.length };
        const ran = await world.host.fireEvent('IPostMessageSent', { id: 'm1', room: GENERAL_ROOM, sender: USERS.plain, text: 'hi' });
        expect(ran).toBe(false);
        expect({ store: world.host.store.calls, settings: world.host.serverSettings.reads.length }).toEqual(before);
    });

    it('filters by conversation, event, sent and time; a conversation the caller may not see is a 404, its events elsewhere show no room id', async () => {
        // Agents may use the app here, but see only the conversations they serve.
        world.permissionHost.setTable(
            DEFAULT_PERMISSION_TABLE.map((entry) => (entry._id === 'view-livechat-webhooks' ? { ...entry, roles: [...entry.roles, 'livechat-agent'] } : entry)),
        );
        await conversation('lc-traffic-6');
        expect((await traffic({ roomId: 'lc-traffic-6', sent: 'false' })).events.map((event: any) => event.event)).toEqual(['Message', 'LivechatSessionTaken']);
        expect((await traffic({ since: new Date(Date.now() + 60000).toISOString() })).total).toBe(0);
        const asAgent = { user: USERS.agent, headers: credentialsOf(USERS.agent) };
        const refused = await world.host.get('webhook.traffic', { ...asAgent, query: { roomId: 'lc-traffic-6' } });
        expect(refused.status).toBe(404);
        const listed = await traffic({}, asAgent);
        expect(listed.events.every((event: any) => event.roomId === '' && event.withheld && event.messageId === undefined)).toBe(true);
    });

    it('names what is wrong with a query', async () => {
        const queries: Array<{ [name: string]: string }> = [
            { event: 'Nope' },
            { sent: 'yes' },
            { since: 'yesterday' },
            { limit: '0' },
            { roomId: '../x' },
            { other: '1' },
        ];
        for (const query of queries) {
            const answer = await world.host.get('webhook.traffic', { ...asAdmin, query });
            expect(answer.status).toBe(400);
        }
    });
});

describe('hostile traffic', () => {
    it('forged events with missing or wrong fields are ignored with one log line each, never a crash or a record', async () => {
        const before = world.host.store.records.length;
        const forged: Array<[EngineEvent, unknown]> = [
            ['IPostLivechatRoomStarted', {}],
            ['IPostLivechatRoomClosed', { id: '../../etc' }],
            ['IPostLivechatAgentAssigned', { room: null, agent: null }],
            ['IPostLivechatAgentAssigned', {}],
            ['IPostLivechatRoomTransferred', { type: 'agent', room: { id: 42 }, to: 'x' }],
            ['IPostLivechatRoomSaved', { isOpen: false }],
            ['IPostMessageSent', { room: { type: 'l' }, sender: {} }],
            ['IPostMessageSent', { id: 'm-1', room: { type: 'l', id: { $ne: 1 } } }],
        ];
        for (const [event, data] of forged) {
            await expect(world.host.fireEvent(event, data)).resolves.toBeDefined();
        }
        expect(world.host.store.records.length).toBe(before);
        expect(world.host.logger.entries.filter((entry) => /ignored: it lacks the ids/.test(String(entry.args[0])))).toHaveLength(forged.length);
    });

    it('a burst of 10 000 messages in one conversation: one write each, the settings read once a few seconds, the journal kept within its bound', async () => {
        world.host.store.latencyMs = 0;
        await omnichannel.start('lc-burst');
        const room = omnichannel.room('lc-burst');
        const reads = world.host.serverSettings.reads.length;
        const writes = world.host.store.writes;
        for (let batch = 0; batch < 50; batch++) {
            await Promise.all(
                Array.from({ length: 200 }, (_, index) =>
                    world.host.fireEvent('IPostMessageSent', {
                        id: `burst-${batch}-${index}`,
                        room,
                        sender: { id: 'agent-jane', username: 'jane.agent' },
                        text: 'x',
                        createdAt: new Date(),
                    }),
                ),
            );
        }
        // One journal record each; the prunes (every 500 writes, off the events' path) remove what passes the bound.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const journal = world.host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:journal'));
        expect(journal.length).toBeLessThanOrEqual(10000);
        expect(journal.length).toBeGreaterThan(9000);
        expect(world.host.store.writes - writes).toBeGreaterThanOrEqual(10000);
        // Twelve settings, read again only when their few seconds are up.
        expect(world.host.serverSettings.reads.length - reads).toBeLessThanOrEqual(12 * 4);
    }, 60000);
});

describe('the journal bound', () => {
    it('keeps the newest 10 000 of the last 7 days: older and surplus records go', () => {
        let now = Date.parse('2026-12-06T12:00:00Z');
        const store = new JournalStore(() => now);
        const record = (at: number, nonce: string) => ({ v: 1 as const, id: `evt_${nonce}`, nonce, at, roomId: 'r', deliveries: [] });
        const day = 24 * 60 * 60 * 1000;
        const old = record(now - 7 * day - 1, '000000000001');
        const recent = record(now - 7 * day + 1, '000000000002');
        expect(store.surplus([old, recent])).toEqual([old]);
        const many = Array.from({ length: 10002 }, (_, index) => record(now - index, String(index).padStart(12, '0')));
        expect(store.surplus(many).map((item) => item.nonce)).toEqual(['000000010000', '000000010001']);
        now += day;
        expect(store.surplus([recent])).toEqual([recent]);
    });
});
