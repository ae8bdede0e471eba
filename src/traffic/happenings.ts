// What happens in the workspace's Omnichannel, as the engine tells the app, and which deliveries
// Rocket.Chat's sendToCRM makes of it (apps/meteor/app/livechat/server/hooks/sendToCRM.ts and
// lib/hooks.ts), given the workspace's settings as they are when it happens. Pure.
import type { EventType } from '../payloads/eventTypes';
import type { Workspace } from '../readiness/workspace';

/**
 * One engine event about a conversation, reduced to what the journal keeps: no text, no visitor data.
 * `at`: when it happened, as the event says (a message's createdAt, a room's closedAt), when it says:
 * the engine hands events to apps as they come, not always in order.
 */
export type Happening = { at?: number } & (
    | { kind: 'started' | 'closed' | 'forwarded'; roomId: string }
    | { kind: 'taken'; roomId: string; agentId?: string }
    /** A message in an Omnichannel room: a visitor's carries their token (the host's `message.token`). */
    | { kind: 'message'; roomId: string; messageId: string; fromVisitor: boolean }
    /** The room's info was saved (IPostLivechatRoomSaved); Rocket.Chat sends LivechatEdit only for a closed room. */
    | { kind: 'saved'; roomId: string; open: boolean }
);

/** Whether Rocket.Chat sent it (null: the server did not say in time), and the setting that decided. */
export interface Decision {
    event: EventType;
    sent: boolean | null;
    /** The setting that decided: the event's own switch, or `Livechat_webhookUrl` / `Livechat_enabled`; '' for LivechatEdit when sent. */
    setting: string;
}

export const WEBHOOK_URL_SETTING = 'Livechat_webhookUrl';
export const ENABLED_SETTING = 'Livechat_enabled';

/** The deliveries Rocket.Chat makes of a happening, each with what decided it. */
export function deliveriesOf(happening: Happening, workspace: Workspace): Array<Decision> {
    const decide = (event: EventType, flag: string) => ({ event, ...decision(flag, workspace) });
    switch (happening.kind) {
        case 'started':
            return [decide('LivechatSessionStart', 'Livechat_webhook_on_start')];
        case 'taken':
            return [decide('LivechatSessionTaken', 'Livechat_webhook_on_chat_taken')];
        case 'forwarded':
            return [decide('LivechatSessionForwarded', 'Livechat_webhook_on_forward')];
        case 'closed':
            return [decide('LivechatSession', 'Livechat_webhook_on_close')];
        case 'message':
            // A visitor's message also goes out as LeadCapture: the host's e-mail/phone test passes every
            // message in current code (see docs/admin.md, Real traffic and backfill).
            return happening.fromVisitor
                ? [decide('Message', 'Livechat_webhook_on_visitor_message'), decide('LeadCapture', 'Livechat_webhook_on_capture')]
                : [decide('Message', 'Livechat_webhook_on_agent_message')];
        case 'saved':
            return happening.open ? [] : [decide('LivechatEdit', '')];
    }
}

/** sendToCRM returns at once without a Webhook URL (and nothing happens with Omnichannel off); then the event's switch decides. */
function decision(flag: string, workspace: Workspace): Omit<Decision, 'event'> {
    if (workspace.enabled === false) {
        return { sent: false, setting: ENABLED_SETTING };
    }
    if (workspace.url === '') {
        return { sent: false, setting: WEBHOOK_URL_SETTING };
    }
    const value = flag ? workspace.flags[flag] : true;
    if (value === false) {
        return { sent: false, setting: flag };
    }
    if (workspace.url === undefined) {
        return { sent: null, setting: WEBHOOK_URL_SETTING };
    }
    if (value === undefined || workspace.enabled === undefined) {
        return { sent: null, setting: value === undefined ? flag : ENABLED_SETTING };
    }
    return { sent: true, setting: flag };
}
