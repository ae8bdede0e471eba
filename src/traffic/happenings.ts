// What happens in the workspace's Omnichannel, as the engine tells the app, and which deliveries
// Rocket.Chat's sendToCRM makes of it (apps/meteor/app/livechat/server/hooks/sendToCRM.ts and
// lib/hooks.ts), given the workspace's settings as they are when it happens. Pure.
import { WORKSPACE_WEBHOOK_URL_SETTING } from '../network/url';
import type { EventType } from '../payloads/eventTypes';
import { EVENT_SETTINGS, OMNICHANNEL_ENABLED_SETTING, Workspace } from '../readiness/workspace';

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

/** The deliveries Rocket.Chat makes of a happening, each with what decided it. */
export function deliveriesOf(happening: Happening, workspace: Workspace): Array<Decision> {
    // The event's switch (EVENT_SETTINGS: a Message's visitor switch first, the agent's second); LivechatEdit has none.
    const decide = (event: EventType, which = 0) => ({ event, ...decision(EVENT_SETTINGS[event][which] || '', workspace) });
    switch (happening.kind) {
        case 'started':
            return [decide('LivechatSessionStart')];
        case 'taken':
            return [decide('LivechatSessionTaken')];
        case 'forwarded':
            return [decide('LivechatSessionForwarded')];
        case 'closed':
            return [decide('LivechatSession')];
        case 'message':
            // A visitor's message also goes out as LeadCapture: the host's e-mail/phone test passes every
            // message in current code (see docs/admin.md, Real traffic and backfill).
            return happening.fromVisitor ? [decide('Message', 0), decide('LeadCapture')] : [decide('Message', 1)];
        case 'saved':
            return happening.open ? [] : [decide('LivechatEdit')];
    }
}

/** sendToCRM returns at once without a Webhook URL (and nothing happens with Omnichannel off); then the event's switch decides. */
function decision(flag: string, workspace: Workspace): Omit<Decision, 'event'> {
    if (workspace.enabled === false) {
        return { sent: false, setting: OMNICHANNEL_ENABLED_SETTING };
    }
    if (workspace.url === '') {
        return { sent: false, setting: WORKSPACE_WEBHOOK_URL_SETTING };
    }
    const value = flag ? workspace.flags[flag] : true;
    if (value === false) {
        return { sent: false, setting: flag };
    }
    if (workspace.url === undefined) {
        return { sent: null, setting: WORKSPACE_WEBHOOK_URL_SETTING };
    }
    if (value === undefined || workspace.enabled === undefined) {
        return { sent: null, setting: value === undefined ? flag : OMNICHANNEL_ENABLED_SETTING };
    }
    return { sent: true, setting: flag };
}
