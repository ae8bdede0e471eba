// An Omnichannel conversation as Rocket.Chat lives it, driving a host (local or the real runtime):
// the room and its messages change in the host's stores, and the engine's events reach the app in
// the order Rocket.Chat triggers them, carrying what its converters hand apps (a visitor's message
// carries the visitor's token; a forward to an agent assigns that agent first).
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessage, IMessageRaw } from '@rocket.chat/apps-engine/definition/messages';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { AGENT, closedConversation } from './conversations';
import { makeUser } from './localHost';
import { RoomStore } from './storage';

export type EngineEvent =
    | 'IPostLivechatRoomStarted'
    | 'IPostLivechatAgentAssigned'
    | 'IPostLivechatRoomTransferred'
    | 'IPostLivechatRoomClosed'
    | 'IPostLivechatRoomSaved'
    | 'IPostMessageSent';

export interface EventHost {
    rooms: RoomStore;
    fireEvent(event: EngineEvent, data: unknown): Promise<unknown>;
}

export const SECOND_AGENT = { ...makeUser('joe.agent', ['user', 'livechat-agent']), id: 'agent-joe', name: 'Joe Agent' };

let sequence = 0;

export class Omnichannel {
    constructor(private readonly host: EventHost) {}

    /** A new conversation, queued (no agent yet): LivechatSessionStart. */
    public async start(id: string): Promise<ILivechatRoom> {
        const { room } = closedConversation(id, 0);
        const open = {
            ...room,
            createdAt: new Date(),
            isOpen: true,
            servedBy: undefined,
            closedAt: undefined,
            closedBy: undefined,
            closer: undefined,
        } as unknown as ILivechatRoom;
        this.host.rooms.addRoom(open, []);
        await this.host.fireEvent('IPostLivechatRoomStarted', open);
        return open;
    }

    /** An agent takes it: LivechatSessionTaken. */
    public async take(id: string, agent: IUser = AGENT): Promise<void> {
        const room = this.update(id, { servedBy: agent });
        this.host.rooms.addUser(agent);
        await this.host.fireEvent('IPostLivechatAgentAssigned', { room, agent });
    }

    /** A forward to another agent: the engine tells of the assignment, then of the transfer. */
    public async forward(id: string, to: IUser = SECOND_AGENT): Promise<void> {
        const from = this.room(id).servedBy;
        const room = this.update(id, { servedBy: to });
        this.host.rooms.addUser(to);
        await this.host.fireEvent('IPostLivechatAgentAssigned', { room, agent: to });
        await this.host.fireEvent('IPostLivechatRoomTransferred', { type: 'agent', room, from, to });
    }

    public visitorSays(id: string, text: string): Promise<IMessage> {
        const room = this.room(id);
        const visitor = room.visitor;
        return this.say(id, { _id: visitor.id!, username: visitor.username, name: visitor.name }, text, visitor.token);
    }

    public agentSays(id: string, text: string, agent: IUser = AGENT): Promise<IMessage> {
        return this.say(id, { _id: agent.id, username: agent.username, name: agent.name }, text);
    }

    /** The agent closes it: LivechatSession. */
    public async close(id: string): Promise<void> {
        const room = this.update(id, { isOpen: false, closedAt: new Date(), closedBy: this.room(id).servedBy, closer: 'user' });
        await this.host.fireEvent('IPostLivechatRoomClosed', room);
    }

    /** Its details saved (Omnichannel's room info form): LivechatEdit once it is closed. */
    public async saveInfo(id: string): Promise<void> {
        await this.host.fireEvent('IPostLivechatRoomSaved', this.room(id));
    }

    public room(id: string): ILivechatRoom {
        const room = this.host.rooms.room(id);
        if (!room) {
            throw new Error(`omnichannel: no room ${id}`);
        }
        return room as ILivechatRoom;
    }

    private update(id: string, fields: Partial<ILivechatRoom>): ILivechatRoom {
        const room = { ...this.room(id), ...fields } as ILivechatRoom;
        this.host.rooms.updateRoom(room);
        return room;
    }

    private async say(id: string, sender: { _id: string; username: string; name?: string }, text: string, token?: string): Promise<IMessage> {
        const createdAt = new Date();
        const messageId = `${id}-msg-${++sequence}`;
        const raw = { id: messageId, roomId: id, sender, createdAt, updatedAt: createdAt, text } as IMessageRaw;
        this.host.rooms.addMessage(id, raw);
        // As the host's message converter hands it to apps: the room and the sender whole, the visitor's token on theirs.
        const message = {
            id: messageId,
            room: this.room(id),
            sender: { id: sender._id, username: sender.username, name: sender.name },
            text,
            createdAt,
            ...(token && { token }),
        } as unknown as IMessage;
        await this.host.fireEvent('IPostMessageSent', message);
        return message;
    }
}
