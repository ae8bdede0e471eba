// A sample payload of each event type Rocket.Chat's Omnichannel webhook sends.
import { buildRoomPayload, ConversationSnapshot } from './conversation';
import { EventType } from './eventTypes';
import { buildSamplePayload } from './hostSample';

export * from './eventTypes';

/**
 * The payload a test of this event sends when no room is given. LivechatSession is the host's own
 * test sample, unchanged; the others are a sample conversation shaped as real deliveries shape it.
 */
export function buildEventSample(event: EventType, now: Date): { [key: string]: unknown } {
    if (event === 'LivechatSession') {
        return { ...buildSamplePayload(now) };
    }
    if (event === 'LivechatOfflineMessage') {
        return buildOfflineMessagePayload(
            { name: 'Visitor Name', email: 'visitor@example.com', message: 'Hello, I would like to know more about your product.' },
            now,
        );
    }
    return buildRoomPayload(event, sampleConversation(event, now));
}

/** LivechatSession as real deliveries shape it (emails and phones as arrays, `token`, `rid`, `u`), unlike the host's own test sample. */
export function buildRealShapeSample(now: Date): { [key: string]: unknown } {
    return buildRoomPayload('LivechatSession', sampleConversation('LivechatSession', now));
}

/** The host's offline-message delivery: no room, only what the visitor typed in the offline form. */
export function buildOfflineMessagePayload(form: { name: string; email: string; message: string }, now: Date): { [key: string]: unknown } {
    return { type: 'LivechatOfflineMessage', sentAt: now.toISOString(), visitor: { name: form.name, email: form.email }, message: form.message };
}

const MINUTE = 60 * 1000;

/**
 * A short conversation at the stage the event happens: waiting for an agent (start, queued), served
 * (taken, forwarded, message, lead capture) or closed (close, edit). Times are relative to `now`.
 */
export function sampleConversation(event: Exclude<EventType, 'LivechatOfflineMessage'>, now: Date): ConversationSnapshot {
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * MINUTE);
    const rid = 'sample-room-id';
    const visitor = { id: 'sample-visitor-id', username: 'guest-1', name: 'Visitor Name' };
    const agent = { id: 'sample-agent-id', username: 'agent.username', name: 'Agent Name' };
    const waiting = event === 'LivechatSessionStart' || event === 'LivechatSessionQueued';
    const closed = event === 'LivechatSession' || event === 'LivechatEdit';
    const messages = [
        { id: 'sample-message-1', rid, sender: visitor, text: 'Hello, how much is the pro plan?', createdAt: at(9) },
        { id: 'sample-message-2', rid, sender: agent, text: 'Hi! It is 10 USD per user per month.', createdAt: at(8) },
        { id: 'sample-message-3', rid, sender: visitor, text: 'Thanks, that is all.', createdAt: at(2) },
    ];
    return {
        room: {
            id: rid,
            displayName: 'Visitor Name',
            topic: 'Pricing question',
            tags: ['sales'],
            createdAt: at(12),
            lastMessageAt: waiting ? at(9) : at(2),
            livechatData: { productId: '123456' },
            departmentId: 'sample-department-id',
            ...(!waiting && { servedBy: { ...agent, ts: at(10) } }),
            ...(closed && { closedAt: at(1), closedBy: agent, closer: 'user' }),
            ...(event === 'LivechatSessionForwarded' && {
                oldDepartmentId: 'sample-old-department-id',
                oldServedBy: { id: 'sample-previous-agent-id', username: 'previous.agent', ts: at(11) },
            }),
        },
        visitor: {
            ...visitor,
            token: 'sample-visitor-token',
            department: 'sample-department-id',
            ip: '203.0.113.10',
            userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
            livechatData: { customerId: '123456' },
            visitorEmails: [{ address: 'visitor@example.com' }],
            phone: [{ phoneNumber: '+15550100' }],
        },
        ...(!waiting && { agent: { ...agent, email: 'agent@example.com' } }),
        messages: waiting ? messages.slice(0, 1) : messages,
    };
}
