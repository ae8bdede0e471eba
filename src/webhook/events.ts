// The event types Rocket.Chat's Omnichannel webhook sends, and a sample payload of each.
import { buildRoomPayload, ConversationSnapshot } from './conversation';
import { buildSamplePayload } from './payload';

export const EVENT_TYPES = [
    'LivechatSession',
    'LivechatSessionStart',
    'LivechatSessionQueued',
    'LivechatSessionTaken',
    'LivechatSessionForwarded',
    'LivechatEdit',
    'Message',
    'LeadCapture',
    'LivechatOfflineMessage',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const DEFAULT_EVENT: EventType = 'LivechatSession';

/** When the host sends each event (the workspace switch that turns it on is in brackets). */
export const EVENT_DESCRIPTIONS: { [event in EventType]: string } = {
    LivechatSession: 'A conversation was closed (Livechat_webhook_on_close). The default test sends the host\'s own fixed sample of it.',
    LivechatSessionStart: 'A conversation started (Livechat_webhook_on_start).',
    LivechatSessionQueued: 'A conversation entered the queue (Livechat_webhook_on_chat_queued).',
    LivechatSessionTaken: 'An agent took a conversation (Livechat_webhook_on_chat_taken).',
    LivechatSessionForwarded: 'A conversation was forwarded to another agent or department (Livechat_webhook_on_forward).',
    LivechatEdit: 'A closed conversation\'s details were edited (Livechat_webhook_on_close).',
    Message: 'A visitor or agent sent a message (Livechat_webhook_on_visitor_message, Livechat_webhook_on_agent_message).',
    LeadCapture: 'A visitor\'s message matched the lead capture patterns (Livechat_webhook_on_capture).',
    LivechatOfflineMessage: 'A visitor left a message while no agent was online (Livechat_webhook_on_offline_msg).',
};

export type EventCheck = { ok: true; event: EventType } | { ok: false; reason: string };

/** Accepts the exact names, case-insensitively; absent means the default. */
export function parseEventType(value: unknown): EventCheck {
    if (value === undefined || value === null || value === '') {
        return { ok: true, event: DEFAULT_EVENT };
    }
    const known = `valid events: ${EVENT_TYPES.join(', ')}`;
    if (typeof value !== 'string') {
        return { ok: false, reason: `"event" must be a string; ${known}` };
    }
    const event = EVENT_TYPES.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
    if (!event) {
        return { ok: false, reason: `Unknown event "${value.slice(0, 40)}"; ${known}` };
    }
    return { ok: true, event };
}

/**
 * The payload a test of this event sends when no room is given. LivechatSession is the host's own
 * test sample, unchanged; the others are a sample conversation shaped as real deliveries shape it.
 */
export function buildEventSample(event: EventType, now: Date): { [key: string]: unknown } {
    if (event === 'LivechatSession') {
        return { ...buildSamplePayload(now) };
    }
    if (event === 'LivechatOfflineMessage') {
        return buildOfflineMessagePayload({ name: 'Visitor Name', email: 'visitor@example.com', message: 'Hello, I would like to know more about your product.' }, now);
    }
    return buildRoomPayload(event, sampleConversation(event, now));
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
