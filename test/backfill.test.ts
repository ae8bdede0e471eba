// Sending again what an outage lost: the events Rocket.Chat sent while the CRM failed, rebuilt from
// their rooms and delivered once, only to the workspace's own Webhook URL.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { ALERTS_ROOM } from './host/localHost';
import { Omnichannel } from './host/omnichannel';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;
let omnichannel: Omnichannel;

const TOKEN = 'backfill-secret-token';

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_url', '');
    world.host.settings.set('webhook_secret_token', TOKEN);
    world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
    for (const id of ['Livechat_webhook_on_start', 'Livechat_webhook_on_close', 'Livechat_webhook_on_visitor_message', 'Livechat_webhook_on_agent_message']) {
        world.host.serverSettings.set(id, true);
    }
    omnichannel = new Omnichannel(world.host);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const backfill = async (content: object, host = world.host) => host.post('webhook.backfill', { ...asAdmin, content });
const window = (from: number) => ({ from: new Date(from).toISOString(), to: new Date(Date.now() + 1000).toISOString() });

/** A conversation while the CRM is down: Rocket.Chat sent (and retried) each event; none got through. */
async function outage(id: string): Promise<void> {
    await omnichannel.start(id);
    await omnichannel.visitorSays(id, 'Where is my order?');
    await omnichannel.agentSays(id, 'Checking now');
    await omnichannel.close(id);
}

describe('backfill', () => {
    it('sends each event the workspace sent in the window once, rebuilt from its room as Rocket.Chat builds it, with the token, unsigned', async () => {
        const started = Date.now();
        await outage('lc-lost-1');
        const answer = await backfill(window(started));
        expect(answer.status).toBe(200);
        const result = (answer.content as any).backfill;
        expect(result.delivered).toHaveLength(4);
        expect(world.receiver.requests.map((request) => JSON.parse(request.body).type)).toEqual([
            'LivechatSessionStart',
            'Message',
            'Message',
            'LivechatSession',
        ]);
        const [start, visitor, agent, close] = world.receiver.requests.map((request) => JSON.parse(request.body));
        expect(start._id).toBe('lc-lost-1');
        expect(visitor.messages.map((message: any) => message.msg)).toEqual(['Where is my order?']);
        expect(agent.messages.map((message: any) => [message.msg, message.agentId])).toEqual([['Checking now', 'agent-jane']]);
        expect(close.messages.map((message: any) => message.msg)).toEqual(['Where is my order?', 'Checking now']);
        for (const request of world.receiver.requests) {
            expect(request.headers['x-rocketchat-livechat-token']).toBe(TOKEN);
            expect(request.headers['webhook-signature']).toBeUndefined();
        }
        // Each recorded in the history with its event.
        const listed = ((await world.host.get('webhook.deliveries', { ...asAdmin, query: { source: 'backfill' } })).content as any).deliveries;
        expect(listed.map((item: any) => item.source.eventId).sort()).toEqual(result.delivered.map((item: any) => item.eventId).sort());
    });

    it("reads each conversation once for all its events: one room's messages read once for its four events", async () => {
        const started = Date.now();
        await outage('lc-lost-reads');
        const rooms = world.host.rooms;
        const roomReader = rooms.roomReader.bind(rooms);
        const messageReads: Array<string> = [];
        rooms.roomReader = () => {
            const reader = roomReader();
            return {
                ...reader,
                getMessages: (roomId: string, options?: any) => {
                    messageReads.push(roomId);
                    return reader.getMessages(roomId, options);
                },
            } as ReturnType<typeof roomReader>;
        };
        const answer = await backfill(window(started));
        expect((answer.content as any).backfill.delivered).toHaveLength(4);
        expect(messageReads).toEqual(['lc-lost-reads']);
    });

    it('never sends an event twice: a second backfill skips what a 200 delivered, unless force', async () => {
        const started = Date.now();
        await outage('lc-lost-2');
        await backfill(window(started));
        expect(world.receiver.requests).toHaveLength(4);
        const again = (await backfill(window(started))).content as any;
        expect(again.backfill.delivered).toHaveLength(0);
        expect(again.backfill.skipped.map((item: any) => item.why)).toEqual(['backfilled', 'backfilled', 'backfilled', 'backfilled']);
        expect(world.receiver.requests).toHaveLength(4);
        const forced = (await backfill({ ...window(started), force: true })).content as any;
        expect(forced.backfill.delivered).toHaveLength(4);
        expect(world.receiver.requests).toHaveLength(8);
    });

    it('stops at the first event the CRM does not take; what was delivered is not sent again next time', async () => {
        const started = Date.now();
        await outage('lc-lost-3');
        let calls = 0;
        world.receiver.behave({ status: 200 });
        const original = world.receiver.requests.push.bind(world.receiver.requests);
        (world.receiver.requests as any).push = (request: any) => {
            if (++calls === 3) {
                world.receiver.behave({ status: 503 });
            }
            return original(request);
        };
        const answer = (await backfill(window(started))).content as any;
        expect(answer.success).toBe(false);
        expect(answer.backfill.delivered).toHaveLength(2);
        expect(answer.backfill.failed).toMatchObject({ status: 503 });
        expect(answer.backfill.notSent).toHaveLength(1);
        world.receiver.behave({ status: 200 });
        const rest = (await backfill(window(started))).content as any;
        expect(rest.backfill.delivered).toHaveLength(2);
    });

    it('two instances handling events and backfilling the same window at once: every event reaches the CRM once', async () => {
        const started = Date.now();
        await outage('lc-lost-4');
        const other = await world.anotherInstance();
        const window4 = { from: new Date(started).toISOString(), to: new Date().toISOString() };
        await new Promise((resolve) => setTimeout(resolve, 5));
        const theirOmnichannel = new Omnichannel(other);
        // Both instances keep handling events (after the window) while they backfill.
        const [mine, theirs] = await Promise.all([
            backfill(window4),
            backfill(window4, other),
            omnichannel.start('lc-later-1'),
            theirOmnichannel.start('lc-later-2'),
        ]);
        const delivered = [...(mine.content as any).backfill.delivered, ...(theirs.content as any).backfill.delivered].map((item: any) => item.eventId);
        expect(delivered.sort()).toEqual([...new Set(delivered)].sort());
        expect(delivered).toHaveLength(4);
        expect(world.receiver.requests).toHaveLength(4);
    });

    it('goes only where real deliveries go: 409 naming both URLs when the app tests another one', async () => {
        world.host.settings.set('webhook_url', 'https://crm.example.com/hook?key=abcdef123456');
        const answer = await backfill(window(Date.now() - 60000));
        expect(answer.status).toBe(409);
        expect(answer.content).toMatchObject({ error: 'error-not-workspace-url' });
        expect((answer.content as any).reason).toContain('`https://crm.example.com/hook?***`');
        expect((answer.content as any).reason).toContain(`\`${world.receiver.url}\``);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('by ids: an unknown id is a 404 naming it; an event Rocket.Chat did not send is skipped', async () => {
        world.host.serverSettings.set('Livechat_webhook_on_agent_message', false);
        await outage('lc-lost-5');
        const events = ((await world.host.get('webhook.traffic', asAdmin)).content as any).events;
        const notSent = events.find((event: any) => event.sent === false);
        const unknown = await backfill({ ids: ['evt_000000000000'] });
        expect(unknown.status).toBe(404);
        expect((unknown.content as any).reason).toContain('evt_000000000000');
        const answer = (await backfill({ ids: [notSent.id] })).content as any;
        expect(answer.backfill.skipped).toEqual([{ eventId: notSent.id, why: 'not-sent' }]);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('a window of a year takes what the journal keeps, within the limit; bad requests are named', async () => {
        await outage('lc-lost-6');
        const year = await backfill({ from: new Date(Date.now() - 365 * 86400000).toISOString(), to: new Date().toISOString() });
        expect(year.status).toBe(200);
        expect((year.content as any).backfill.delivered).toHaveLength(4);
        for (const content of [
            {},
            { from: 'yesterday', to: 'today' },
            { ids: [] },
            { ids: ['x'] },
            { from: new Date().toISOString() },
            { ids: ['evt_000000000000'], force: 'yes' },
        ]) {
            expect((await backfill(content)).status).toBe(400);
        }
    });

    it('counts against tests_per_minute like a check', async () => {
        world.host.settings.set('tests_per_minute', 2);
        const started = Date.now();
        await outage('lc-lost-7');
        const answer = await backfill(window(started));
        // 4 events, the whole minute's 2 counted: allowed once, then 429.
        expect(answer.status).toBe(200);
        expect((await backfill({ ...window(started), force: true })).status).toBe(429);
    });
});

describe("the watch's recovery", () => {
    it('names what the outage may have lost, and its button (after a confirmation) sends exactly that, once', async () => {
        world.host.settings.set('watch_alert_room', ALERTS_ROOM.id);
        world.host.settings.set('watch_failures_to_alert', 1);
        world.host.rooms.addRoom(ALERTS_ROOM);
        await world.primePermissionTable();
        const testNow = () => world.host.blockAction(USERS.admin, ALERTS_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' });
        // Healthy, then the CRM fails: one alert.
        await testNow();
        world.receiver.behave({ status: 500 });
        await testNow();
        // Real traffic while it fails (Rocket.Chat's own deliveries fail too).
        await outage('lc-lost-watch');
        world.receiver.behave({ status: 200 });
        const before = world.receiver.requests.length;
        await testNow();
        const recovery = world.host.roomMessages[world.host.roomMessages.length - 1];
        expect(String(recovery.text)).toContain('4 real deliveries while it failed: 1 conversation started, 2 messages and 1 conversation closed');
        const actions = (recovery.blocks || []).find((block: any) => block.type === 'actions' && block.blockId === 'watch-backfill') as any;
        const button = actions.elements[0];
        expect(button).toMatchObject({ actionId: 'livechat-webhook-test.backfill', confirm: { title: { text: 'Send the lost deliveries again?' } } });
        // The watch's own recovery run reached the receiver; the backfill adds the four lost events.
        const afterRecovery = world.receiver.requests.length;
        expect(afterRecovery - before).toBe(1);
        await world.host.blockAction(USERS.admin, ALERTS_ROOM, { actionId: button.actionId, value: button.value, blockId: 'watch-backfill' });
        const sent = world.receiver.requests.slice(afterRecovery).map((request) => JSON.parse(request.body).type);
        expect(sent).toEqual(['LivechatSessionStart', 'Message', 'Message', 'LivechatSession']);
        const reply = world.host.notifier.toUsers[world.host.notifier.toUsers.length - 1];
        expect(String(reply.message.text)).toMatch(/^✅ 4 events sent again and delivered; 0 skipped\./);
        // Pressed again: nothing goes twice.
        await world.host.blockAction(USERS.admin, ALERTS_ROOM, { actionId: button.actionId, value: button.value, blockId: 'watch-backfill' });
        expect(world.receiver.requests.length - afterRecovery).toBe(4);
    });
});
