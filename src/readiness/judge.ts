// Whether the workspace's real deliveries reach the URL the app tests, event by event. Pure.
import { isSameUrl, redactUrl } from '../network/url';
import { code } from '../util/markdown';
import { t, Text } from '../i18n/text';
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
    hint: Text;
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
function deliverable(url: string): true | Text {
    try {
        const parsed = new URL(url);
        return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? true : t('readiness.notHttp', { protocol: code(parsed.protocol) });
    } catch {
        return t('readiness.notUrl');
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
        findings.push({ severity: 'error', hint: t('readiness.omnichannelOff') });
    }
    if (url === '') {
        findings.push({
            severity: 'error',
            hint: t('readiness.noUrl'),
        });
    } else if (url === undefined) {
        findings.push({ severity: 'warning', hint: t('readiness.urlUnreadable') });
    } else if (usable !== true) {
        findings.push({
            severity: 'error',
            hint: t('readiness.urlUnusable', { why: usable as Text }),
        });
    }
    const flagged = events.filter((item) => item.settings.length > 0);
    if (!off && url !== undefined && flagged.every((item) => item.sent === false)) {
        findings.push({
            severity: 'error',
            hint: t('readiness.allFlagsOff'),
        });
    }
    let sameUrl: boolean | null = null;
    if (url && usable === true && tested) {
        sameUrl = isSameUrl(url, tested);
        if (!sameUrl) {
            findings.push({
                severity: 'warning',
                hint: t('readiness.otherUrl', { tested: code(redactUrl(tested)), url: code(redactUrl(url)) }),
            });
        }
    }
    if (workspace.flags.Livechat_webhook_on_capture === true) {
        findings.push({
            severity: 'info',
            hint: t('readiness.leadCapture'),
        });
    }
    findings.push({
        severity: 'info',
        hint: t('readiness.secretToken'),
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
