// What the workspace itself will send: its Omnichannel webhook settings, read through the engine
// (server-setting.read). Rocket.Chat refuses secret settings to apps ("not readable"), so its
// Livechat_secret_token is never read, and a setting an older server lacks reads as unknown.
import { IServerSettingRead } from '@rocket.chat/apps-engine/definition/accessors';

import { WORKSPACE_WEBHOOK_URL_SETTING } from '../network/url';
import type { EventType } from '../payloads/eventTypes';
import { parseHttpTimeout } from '../settings/settings';
import { DEADLINE_PASSED, withDeadline } from '../util/deadline';

/** Omnichannel as a whole: off, Rocket.Chat sends nothing. */
export const OMNICHANNEL_ENABLED_SETTING = 'Livechat_enabled';

/** The settings that decide whether Rocket.Chat sends each event (sendToCRM and its hooks); Message's visitor switch first, then the agent's. */
export const EVENT_SETTINGS: { [event in EventType]: Array<string> } = {
    LivechatSessionStart: ['Livechat_webhook_on_start'],
    LivechatSessionQueued: ['Livechat_webhook_on_chat_queued'],
    LivechatSessionTaken: ['Livechat_webhook_on_chat_taken'],
    LivechatSessionForwarded: ['Livechat_webhook_on_forward'],
    LivechatSession: ['Livechat_webhook_on_close'],
    // Sent when a closed conversation's details are saved: no setting of its own.
    LivechatEdit: [],
    // A visitor's message, or an agent's: either setting.
    Message: ['Livechat_webhook_on_visitor_message', 'Livechat_webhook_on_agent_message'],
    LeadCapture: ['Livechat_webhook_on_capture'],
    LivechatOfflineMessage: ['Livechat_webhook_on_offline_msg'],
};

export const FLAG_SETTINGS = [...new Set(Object.values(EVENT_SETTINGS).flat())];

/** A setting's value, or `undefined` when the server refuses it or lacks it. */
export type Read<T> = T | undefined;

export interface Workspace {
    enabled: Read<boolean>;
    url: Read<string>;
    timeoutMs: Read<number>;
    flags: { [id: string]: Read<boolean> };
}

/** A settings read that takes longer counts as unreadable: readiness must not hang the panel. */
export const READ_DEADLINE_MS = 3000;

export async function readWorkspace(settings: IServerSettingRead): Promise<Workspace> {
    const value = async (id: string): Promise<unknown> => {
        const read = await withDeadline(
            Promise.resolve().then(() => settings.getValueById(id)),
            READ_DEADLINE_MS,
        ).catch(() => undefined);
        return read === DEADLINE_PASSED ? undefined : read;
    };
    const [enabled, url, timeout, ...flags] = await Promise.all([
        value(OMNICHANNEL_ENABLED_SETTING),
        value(WORKSPACE_WEBHOOK_URL_SETTING),
        value('Livechat_http_timeout'),
        ...FLAG_SETTINGS.map(value),
    ]);
    return {
        enabled: typeof enabled === 'boolean' ? enabled : undefined,
        url: typeof url === 'string' ? url.trim() : undefined,
        timeoutMs: parseHttpTimeout(timeout),
        flags: Object.fromEntries(FLAG_SETTINGS.map((id, index) => [id, typeof flags[index] === 'boolean' ? (flags[index] as boolean) : undefined])),
    };
}

/** How long the workspace's settings are taken as read for events: a switch turned off shows within this. */
export const WORKSPACE_CACHE_MS = 5000;

/**
 * The workspace's settings for the events the engine hands the app (one read of a dozen settings
 * serves every event for a few seconds; events arriving together share one read). A read takes at
 * most READ_DEADLINE_MS: an event never waits longer for it.
 */
export class WorkspaceCache {
    private cached?: { workspace: Workspace; readAt: number };
    private reading?: Promise<Workspace>;

    constructor(private readonly now: () => number = Date.now) {}

    public get(settings: IServerSettingRead): Promise<Workspace> {
        if (this.cached && this.now() - this.cached.readAt < WORKSPACE_CACHE_MS) {
            return Promise.resolve(this.cached.workspace);
        }
        if (!this.reading) {
            const started = this.now();
            this.reading = readWorkspace(settings)
                .then((workspace) => {
                    this.cached = { workspace, readAt: started };
                    return workspace;
                })
                .finally(() => {
                    this.reading = undefined;
                });
        }
        return this.reading;
    }
}
