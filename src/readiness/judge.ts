// Whether the workspace's real deliveries reach the URL the app tests, event by event. Pure.
import { isSameUrl, redactUrl } from '../network/url';
import { code } from '../util/markdown';
import { EVENT_TYPES, EventType } from '../payloads/eventTypes';
import { EVENT_SETTINGS, Workspace } from './workspace';

export interface EventReadiness {
    event: EventType;
    /** true: Rocket.Chat sends it; false: a setting keeps it from going out; null: the server did not say. */
    sent: boolean | null;
    /** The settings that decide it (none for LivechatEdit). */
    settings: Array<string>;
}

export interface ReadinessFinding {
    severity: 'error' | 'warning' | 'info';
    hint: string;
}

export interface Readiness {
    /** Rocket.Chat sends at least one event that has a setting of its own (not only LivechatEdit). */
    sends: boolean;
    /** The workspace's Webhook URL (redacted), if any. */
    workspaceUrl?: string;
    /** Whether the app tests that URL. */
    sameUrl: boolean | null;
    /** The timeout real deliveries use (Livechat_http_timeout), if the server said. */
    timeoutMs?: number;
    events: Array<EventReadiness>;
    findings: Array<ReadinessFinding>;
}

/** `tested`: the URL the app tests (its own setting, else the workspace's), if any. */
export function judgeReadiness(workspace: Workspace, tested: string | undefined): Readiness {
    const url = workspace.url || '';
    const events = EVENT_TYPES.map((event): EventReadiness => {
        const settings = EVENT_SETTINGS[event];
        const values = settings.map((id) => workspace.flags[id]);
        const sent = settings.length === 0 ? true : values.some((value) => value === true) ? true : values.every((value) => value === false) ? false : null;
        return { event, sent: workspace.enabled === false || url === '' ? false : sent, settings };
    });
    const findings: Array<ReadinessFinding> = [];
    if (workspace.enabled === false) {
        findings.push({ severity: 'error', hint: 'Rocket.Chat sends nothing: Omnichannel is off (Livechat_enabled).' });
    }
    if (workspace.url === '') {
        findings.push({
            severity: 'error',
            hint: 'Rocket.Chat sends nothing: the workspace has no Webhook URL (Omnichannel → Webhooks, Livechat_webhookUrl).',
        });
    } else if (workspace.url === undefined) {
        findings.push({ severity: 'warning', hint: "The workspace's Webhook URL (Livechat_webhookUrl) could not be read: what Rocket.Chat sends is unknown." });
    }
    const flagged = events.filter((item) => item.settings.length > 0);
    if (workspace.enabled !== false && url !== '' && flagged.every((item) => item.sent === false)) {
        findings.push({
            severity: 'error',
            hint: 'Rocket.Chat sends (almost) nothing: every "Send request on …" setting of Omnichannel → Webhooks is off; only LivechatEdit, which has none, goes out. Turn on the events your receiver needs.',
        });
    }
    let sameUrl: boolean | null = null;
    if (url && tested) {
        sameUrl = isSameUrl(url, tested);
        if (!sameUrl) {
            findings.push({
                severity: 'warning',
                hint: `You are testing a URL Rocket.Chat does not deliver to: the app tests ${code(redactUrl(tested))}, the workspace's real deliveries go to ${code(redactUrl(url))} (Livechat_webhookUrl).`,
            });
        }
    }
    if (workspace.flags.Livechat_webhook_on_capture === true) {
        findings.push({
            severity: 'info',
            hint: 'LeadCapture is on (Livechat_webhook_on_capture, not shown on the Webhooks page): Rocket.Chat sends it again on most visitor messages.',
        });
    }
    findings.push({
        severity: 'info',
        hint: "Rocket.Chat's own secret token (Livechat_secret_token) is a secret setting apps cannot read: make sure the app's webhook_secret_token is the same value, or the app tests another token than real deliveries send.",
    });
    return {
        // LivechatEdit alone (it has no setting) is not a working webhook.
        sends: workspace.enabled !== false && url !== '' && flagged.some((item) => item.sent !== false),
        ...(url && { workspaceUrl: redactUrl(url) }),
        sameUrl,
        ...(workspace.timeoutMs !== undefined && { timeoutMs: workspace.timeoutMs }),
        events,
        findings,
    };
}
