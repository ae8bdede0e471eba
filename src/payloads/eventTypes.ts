// The event types Rocket.Chat's Omnichannel webhook sends, and when. Pure.
import { t, Text } from '../i18n/text';
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
    LivechatSession: "A conversation was closed (Livechat_webhook_on_close). The default test sends the host's own fixed sample of it.",
    LivechatSessionStart: 'A conversation started (Livechat_webhook_on_start).',
    LivechatSessionQueued: 'A conversation entered the queue (Livechat_webhook_on_chat_queued).',
    LivechatSessionTaken: 'An agent took a conversation (Livechat_webhook_on_chat_taken).',
    LivechatSessionForwarded: 'A conversation was forwarded to another agent or department (Livechat_webhook_on_forward).',
    LivechatEdit: "A closed conversation's details were edited (Livechat_webhook_on_close).",
    Message: 'A visitor or agent sent a message (Livechat_webhook_on_visitor_message, Livechat_webhook_on_agent_message).',
    LeadCapture: "A visitor's message matched the lead capture patterns (Livechat_webhook_on_capture).",
    LivechatOfflineMessage: 'A visitor left a message while no agent was online (Livechat_webhook_on_offline_msg).',
};

export type EventCheck = { ok: true; event: EventType } | { ok: false; reason: Text; given?: string };

/** Accepts the exact names, case-insensitively; absent means the default. */
export function parseEventType(value: unknown): EventCheck {
    if (value === undefined || value === null || value === '') {
        return { ok: true, event: DEFAULT_EVENT };
    }
    const known = EVENT_TYPES.join(', ');
    if (typeof value !== 'string') {
        return { ok: false, reason: t('event.notString', { events: known }) };
    }
    const event = EVENT_TYPES.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
    if (!event) {
        return { ok: false, reason: t('event.unknown', { event: value.slice(0, 40), events: known }), given: value.slice(0, 40) };
    }
    return { ok: true, event };
}
