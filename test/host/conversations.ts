// Omnichannel conversations as the host's converters hand them to apps: an ILivechatRoom (fields the
// engine type lacks, such as topic and tags, in `_unmappedProperties_`), the agent as a full IUser,
// and IMessageRaw messages.
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessageRaw } from '@rocket.chat/apps-engine/definition/messages';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { makeUser } from './localHost';

export const AGENT = {
    ...makeUser('jane.agent', ['user', 'livechat-agent']),
    id: 'agent-jane',
    name: 'Jane Agent',
    emails: [{ address: 'jane@example.com', verified: true }],
};

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const minute = (n: number) => new Date(T0 + n * 60 * 1000);

export interface Conversation {
    room: ILivechatRoom;
    agent: IUser;
    messages: Array<IMessageRaw>;
}

/** A closed conversation with `count` alternating visitor/agent messages, plus a join and a closing message. */
export function closedConversation(id: string, count = 4, textOf: (index: number) => string = (index) => `message ${index + 1}`): Conversation {
    const visitorLookup = { _id: 'visitor-ana', username: 'guest-77', name: 'Ana Visitor' };
    const agentLookup = { _id: AGENT.id, username: AGENT.username, name: AGENT.name };
    const messages: Array<IMessageRaw> = [];
    messages.push({ id: `${id}-join`, roomId: id, sender: agentLookup, createdAt: minute(1), text: '', _unmappedProperties_: { t: 'uj' } } as IMessageRaw);
    for (let index = 0; index < count; index++) {
        messages.push({
            id: `${id}-m${index + 1}`,
            roomId: id,
            sender: index % 2 === 0 ? visitorLookup : agentLookup,
            createdAt: minute(2 + index),
            updatedAt: minute(2 + index),
            text: textOf(index),
        });
    }
    messages.push({
        id: `${id}-close`,
        roomId: id,
        sender: agentLookup,
        createdAt: minute(3 + count),
        text: 'Closed by agent',
        _unmappedProperties_: { t: 'livechat-close' },
    } as IMessageRaw);
    const room = {
        id,
        displayName: 'Ana Visitor',
        slugifiedName: `ana-visitor-${id}`,
        type: RoomType.LIVE_CHAT,
        creator: AGENT,
        usernames: [],
        createdAt: minute(0),
        lastModifiedAt: minute(2 + count),
        livechatData: { orderId: 'A-1001' },
        visitor: {
            id: 'visitor-ana',
            token: 'visitor-token-ana',
            username: 'guest-77',
            name: 'Ana Visitor',
            department: 'dept-sales',
            visitorEmails: [{ address: 'ana@example.com' }],
            phone: [{ phoneNumber: '+5511999990000' }],
            livechatData: { plan: 'pro' },
            _unmappedProperties_: { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0' },
        },
        department: { id: 'dept-sales', name: 'Sales' },
        servedBy: AGENT,
        closedBy: AGENT,
        closer: 'user',
        closedAt: minute(3 + count),
        isOpen: false,
        isWaitingResponse: false,
        _unmappedProperties_: { topic: 'Order A-1001', tags: ['vip'], crmData: { crmId: 'lead-9' } },
    } as unknown as ILivechatRoom;
    return { room, agent: AGENT, messages };
}
