// A real conversation as the sample: built from an Omnichannel room read through the engine's readers.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { closedConversation, Conversation } from './host/conversations';
import { GENERAL_ROOM, LocalHost } from './host/localHost';
import { startReceiver } from './host/receiver';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    // Slash commands and buttons carry no credentials: they decide with the table an API call stored.
    await world.primePermissionTable();
});

afterEach(async () => {
    await world.close();
});

function addConversation(conversation: Conversation, host = world.host): void {
    host.rooms.addRoom(conversation.room, conversation.messages);
    host.rooms.addUser(conversation.agent);
}

const testRoom = (content: unknown) => world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content });

describe('a room as the sample', () => {
    it('maps the room, visitor, serving agent and messages field by field as the host does', async () => {
        addConversation(closedConversation('lc-room-1'));
        const response = await testRoom({ roomId: 'lc-room-1' });
        expect(response.status).toBe(200);
        const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'room-LivechatSession.json'), 'utf8'));
        expect(JSON.parse(world.receiver.requests[0].body)).toStrictEqual(expected);
        expect((response.content as any).delivery.source).toEqual({ kind: 'room', roomId: 'lc-room-1' });
    });

    it('sends the last 100 messages, oldest first, without system messages', async () => {
        addConversation(closedConversation('lc-long', 130));
        await testRoom({ roomId: 'lc-long' });
        const { messages } = JSON.parse(world.receiver.requests[0].body);
        // The newest 100 are m32..m130 and the closing message; the join message is older and a system message anyway.
        expect(messages).toHaveLength(100);
        expect(messages[0]._id).toBe('lc-long-m32');
        expect(messages[98]._id).toBe('lc-long-m130');
        expect(messages[99]).toMatchObject({ _id: 'lc-long-close', closingMessage: true });
        const times = messages.map((message: any) => Date.parse(message.ts));
        expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it("applies the chosen event's rules to the room: Message carries only the newest message", async () => {
        addConversation(closedConversation('lc-room-2'));
        await testRoom({ roomId: 'lc-room-2', event: 'Message' });
        const payload = JSON.parse(world.receiver.requests[0].body);
        expect(payload.type).toBe('Message');
        expect(payload.messages.map((message: any) => message._id)).toEqual(['lc-room-2-close']);
        expect(payload.servedBy).toBeUndefined();
    });

    it.each([[42], [{ id: 'x' }], ['../../etc'], ['x'.repeat(65)]])('answers 400 error-invalid-params for roomId %j', async (roomId) => {
        const response = await testRoom({ roomId });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-params' });
        expect((response.content as any).reason).toContain('roomId');
    });

    it('uses the current room for `/livechat-webhook-test room`', async () => {
        const conversation = closedConversation('lc-room-3');
        addConversation(conversation);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['room', 'LivechatEdit'], conversation.room);
        const payload = JSON.parse(world.receiver.requests[0].body);
        expect(payload).toMatchObject({ _id: 'lc-room-3', type: 'LivechatEdit' });
        expect(world.host.notifier.toUsers[0].message.text).toContain('Delivered');
    });

    it('says so when `room` is used outside an Omnichannel room', async () => {
        world.host.rooms.addRoom(GENERAL_ROOM);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['room']);
        expect(world.host.notifier.toUsers[0].message.text).toContain('No Omnichannel conversation with that id that you may see');
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-room-not-found');
        expect(world.receiver.requests).toHaveLength(0);
    });
});

describe('whose conversations a caller may send: as Rocket.Chat decides who sees an Omnichannel room', () => {
    /** A role that may test the webhook but not see conversations: view-livechat-webhooks only. */
    const WEBHOOKS_ONLY = [
        { _id: 'view-livechat-webhooks', roles: ['admin', 'livechat-manager', 'crm-integrator', 'livechat-agent'] },
        { _id: 'view-livechat-rooms', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
        { _id: 'view-livechat-room-closed-by-another-agent', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
    ];
    const PRIVATE_GROUP = { ...GENERAL_ROOM, id: 'secret-group', slugifiedName: 'board-salaries', displayName: 'board-salaries', type: 'p' as any };
    /** An instance that has not read the table yet (the outer set-up read the default one). */
    let host: LocalHost;
    const as = (user: (typeof USERS)[keyof typeof USERS], content: unknown, on = host) =>
        on.post('webhook.test', { user, headers: credentialsOf(user), content });

    beforeEach(async () => {
        world.permissionHost.setTable(WEBHOOKS_ONLY);
        host = await world.anotherInstance();
    });

    it('a role with view-livechat-webhooks only gets the same 404 for a conversation, an unknown room, a channel and a private group: no name, nothing sent', async () => {
        addConversation(closedConversation('lc-secret'), host);
        host.rooms.addRoom(GENERAL_ROOM);
        host.rooms.addRoom(PRIVATE_GROUP);
        const own = await startReceiver({}, '/mine');
        try {
            const answers = [];
            for (const roomId of ['lc-secret', 'no-such-room', 'GENERAL', 'secret-group']) {
                answers.push(await as(USERS.integrator, { roomId, url: own.url }));
            }
            for (const answer of answers) {
                expect(answer.status).toBe(404);
                expect(answer.content).toEqual(answers[0].content);
                expect(answer.content).toMatchObject({ success: false, error: 'error-room-not-found' });
            }
            expect(JSON.stringify(answers.map((answer) => answer.content))).not.toMatch(/board-salaries|lc-secret|Ana Visitor|GENERAL|general/);
            expect(own.requests).toHaveLength(0);
            expect(world.receiver.requests).toHaveLength(0);
        } finally {
            await own.close();
        }
    });

    it('view-livechat-rooms (a livechat-manager) may send any conversation', async () => {
        addConversation(closedConversation('lc-any'), host);
        expect((await as(USERS.manager, { roomId: 'lc-any' })).status).toBe(200);
    });

    it('the agent serving a conversation may send it; another agent may not, not even once it is closed (view-livechat-room-closed-by-another-agent)', async () => {
        const mine = closedConversation('lc-mine');
        (mine.room as any).servedBy = USERS.agent;
        (mine.room as any).isOpen = true;
        const theirs = closedConversation('lc-theirs');
        (theirs.room as any).isOpen = true;
        const closed = closedConversation('lc-theirs-closed');
        for (const conversation of [mine, theirs, closed]) {
            addConversation(conversation, host);
        }
        expect((await as(USERS.agent, { roomId: 'lc-mine' })).status).toBe(200);
        expect((await as(USERS.agent, { roomId: 'lc-theirs' })).status).toBe(404);
        expect((await as(USERS.agent, { roomId: 'lc-theirs-closed' })).status).toBe(404);
        world.permissionHost.setTable([...WEBHOOKS_ONLY.slice(0, 2), { _id: 'view-livechat-room-closed-by-another-agent', roles: ['livechat-agent'] }]);
        const other = await world.anotherInstance();
        for (const conversation of [theirs, closed]) {
            addConversation(conversation, other);
        }
        expect((await as(USERS.agent, { roomId: 'lc-theirs-closed' }, other)).status).toBe(200);
        expect((await as(USERS.agent, { roomId: 'lc-theirs' }, other)).status).toBe(404);
    });

    it("a recorded conversation's payload is shown, and sent again, only to whoever may see the conversation", async () => {
        addConversation(closedConversation('lc-recorded'), host);
        // Receivers echo what they got (an error quoting the payload, a request bin): the answer is the conversation too.
        world.receiver.behave({ status: 200, body: 'stored for visitor-token-ana', headers: { 'x-echo-room': 'lc-recorded' } });
        const sent = await as(USERS.manager, { roomId: 'lc-recorded' });
        const id = (sent.content as any).delivery.id;
        await new Promise((resolve) => setTimeout(resolve, 30));
        const query = { id };
        const forManager = await host.get('webhook.deliveries', { user: USERS.manager, headers: credentialsOf(USERS.manager), query });
        expect((forManager.content as any).entry.body).toContain('visitor-token-ana');
        const forIntegrator = await host.get('webhook.deliveries', { user: USERS.integrator, headers: credentialsOf(USERS.integrator), query });
        expect(forIntegrator.status).toBe(200);
        expect((forIntegrator.content as any).entry.body).toBeUndefined();
        expect((forIntegrator.content as any).entry.bodyWithheld).toMatch(/conversation you may not see/);
        expect(JSON.stringify(forIntegrator.content)).not.toContain('visitor-token-ana');
        expect(JSON.stringify(forIntegrator.content)).not.toContain('lc-recorded');
        expect((forManager.content as any).entry.responseExcerpt).toBe('stored for visitor-token-ana');
        const listedFor = async (user: (typeof USERS)[keyof typeof USERS]) =>
            JSON.stringify((await host.get('webhook.deliveries', { user, headers: credentialsOf(user) })).content);
        expect(await listedFor(USERS.integrator)).not.toMatch(/visitor-token-ana|lc-recorded/);
        expect(await listedFor(USERS.integrator)).toContain('a conversation you may not see');
        expect(await listedFor(USERS.manager)).toMatch(/visitor-token-ana/);
        const again = await host.post('webhook.redeliver', { user: USERS.integrator, headers: credentialsOf(USERS.integrator), content: { id } });
        expect(again.status).toBe(404);
        expect(again.content).toMatchObject({ error: 'error-room-not-found' });
        expect(world.receiver.requests).toHaveLength(1);
    });
});
