// A real conversation as the sample: built from an Omnichannel room read through the engine's readers.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { closedConversation, Conversation } from './host/conversations';
import { GENERAL_ROOM } from './host/localHost';
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

function addConversation(conversation: Conversation): void {
    world.host.rooms.addRoom(conversation.room, conversation.messages);
    world.host.rooms.addUser(conversation.agent);
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

    it('answers 404 error-room-not-found for an unknown room, sending nothing', async () => {
        const response = await testRoom({ roomId: 'no-such-room' });
        expect(response.status).toBe(404);
        expect(response.content).toMatchObject({ success: false, error: 'error-room-not-found' });
        expect((response.content as any).reason).toContain('no-such-room');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('answers 400 error-not-omnichannel-room for a channel, sending nothing', async () => {
        world.host.rooms.addRoom(GENERAL_ROOM);
        const response = await testRoom({ roomId: 'GENERAL' });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-not-omnichannel-room' });
        expect((response.content as any).reason).toContain('not an Omnichannel conversation');
        expect(world.receiver.requests).toHaveLength(0);
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

    it('says clearly when `room` is used outside an Omnichannel room', async () => {
        world.host.rooms.addRoom(GENERAL_ROOM);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['room']);
        expect(world.host.notifier.toUsers[0].message.text).toContain('not an Omnichannel conversation');
        expect(world.receiver.requests).toHaveLength(0);
    });
});
