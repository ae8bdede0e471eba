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
    /** Rocket.Chat sends at least one event that has a setting of its own (not only LivechatEdit); null: the server did not say. */
    sends: boolean | null;
    /** The workspace's Webhook URL (redacted), if any. */
    workspaceUrl?: string;
    /** Whether the app tests that URL. */
    sameUrl: boolean | null;
    /** The timeout real deliveries use (Livechat_http_timeout), if the server said. */
    timeoutMs?: number;
    events: Array<EventReadiness>;
    findings: Array<ReadinessFinding>;
}

/** An http(s) URL Rocket.Chat can deliver to, or why not. */
function deliverable(url: string): true | string {
    try {
        const parsed = new URL(url);
        return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? true : `it is not an http(s) URL (${code(parsed.protocol)})`;
    } catch {
        return 'it is not a URL';
    }
}

/** `tested`: the URL the app tests (its own setting, else the workspace's), if any. */
export function judgeReadiness(workspace: Workspace, tested: string | undefined): Readiness {
    const url = workspace.url;
    const usable = url ? deliverable(url) : undefined;
    // Nothing goes out: Omnichannel off, no URL, or a URL Rocket.Chat cannot use. Unknown: the URL could not be read.
    const off = workspace.enabled === false || url === '' || (usable !== undefined && usable !== true);
    const events = EVENT_TYPES.map((event): EventReadiness => {
        const settings = EVENT_SETTINGS[event];
        const values = settings.map((id) => workspace.flags[id]);
        const sent = settings.length === 0 ? true : values.some((value) => value === true) ? true : values.every((value) => value === false) ? false : null;
        return { event, sent: off ? false : url === undefined && sent !== false ? null : sent, settings };
    });
    const findings: Array<ReadinessFinding> = [];
    if (workspace.enabled === false) {
        findings.push({ severity: 'error', hint: 'Rocket.Chat sends nothing: Omnichannel is off (Livechat_enabled).' });
    }
    if (url === '') {
        findings.push({
            severity: 'error',
            hint: 'Rocket.Chat sends nothing: the workspace has no Webhook URL (Omnichannel → Webhooks, Livechat_webhookUrl).',
        });
    } else if (url === undefined) {
        findings.push({ severity: 'warning', hint: "The workspace's Webhook URL (Livechat_webhookUrl) could not be read: what Rocket.Chat sends is unknown." });
    } else if (usable !== true) {
        findings.push({
            severity: 'error',
            hint: `Rocket.Chat sends nothing: the workspace's Webhook URL (Livechat_webhookUrl) cannot be delivered to: ${usable}.`,
        });
    }
    const flagged = events.filter((item) => item.settings.length > 0);
    if (!off && url !== undefined && flagged.every((item) => item.sent === false)) {
        findings.push({
            severity: 'error',
            hint: 'Rocket.Chat sends (almost) nothing: every "Send request on …" setting of Omnichannel → Webhooks is off; only LivechatEdit, which has none, goes out. Turn on the events your receiver needs.',
        });
    }
    let sameUrl: boolean | null = null;
    if (url && usable === true && tested) {
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
    // LivechatEdit alone (it has no setting) is not a working webhook.
    const sends = off
        ? false
        : url === undefined
          ? null
          : flagged.some((item) => item.sent !== false)
            ? flagged.some((item) => item.sent === true)
                ? true
                : null
            : false;
    return {
        sends,
        ...(url && { workspaceUrl: redactUrl(url) }),
        sameUrl,
        ...(workspace.timeoutMs !== undefined && { timeoutMs: workspace.timeoutMs }),
        events,
        findings,
    };
}
