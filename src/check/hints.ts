// The receiver check's longer hints: what a 200 that took no data looks like, what the fixed sample
// differs in from a real delivery, and what to deduplicate each event on. Pure.
import { buildEventSample, buildRealShapeSample } from '../payloads/events';
import type { EventType } from '../payloads/eventTypes';
import { parseJson } from '../util/bodyText';
import { Message, t, Text } from '../i18n/text';

/** Texts receivers answer with a 200 when they did not take the data (seen in real Flask and Django bridges); not after "no", "0" or "without". */
const NO_DATA =
    /(?<!\b(?:no|0|zero|without)\s)\b(not found|invalid|error|exception|traceback|fatal|failed|failure|denied|unauthori[sz]ed|forbidden|not allowed|was not a chat-api id)\b/i;

const FAILED = ['false', 'error', 'fail', 'failed', 'failure'];

export function tookNoData(text: string): boolean {
    const json = parseJson(text);
    if (json !== undefined) {
        if (!json || typeof json !== 'object' || Array.isArray(json)) {
            return false;
        }
        const body = json as { [key: string]: unknown };
        const said = (value: unknown) => value === false || (typeof value === 'string' && FAILED.includes(value.toLowerCase()));
        return said(body.success) || said(body.ok) || said(body.status) || said(body.result) || present(body.error) || present(body.errors);
    }
    return NO_DATA.test(text.slice(0, 1024));
}

/** An error field that says something: not null, false, 0, "" or an empty list. */
function present(value: unknown): boolean {
    if (Array.isArray(value)) {
        return value.length > 0;
    }
    if (value && typeof value === 'object') {
        return Object.keys(value).length > 0;
    }
    return !!value;
}

let differences: Array<string> | undefined;

/** The paths where Rocket.Chat's fixed test sample differs from a real LivechatSession delivery (missing, or another type). */
export function sampleDifferences(): Array<string> {
    if (!differences) {
        const now = new Date();
        differences = diffPaths(buildEventSample('LivechatSession', now), buildRealShapeSample(now), '');
    }
    return differences;
}

function diffPaths(sample: unknown, real: unknown, path: string): Array<string> {
    const kind = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
    if (kind(real) !== 'object' || kind(sample) !== 'object') {
        return path && kind(sample) !== kind(real) ? [`${path} (${kind(sample) === 'undefined' ? 'missing' : `${kind(sample)}, real: ${kind(real)}`})`] : [];
    }
    const realObject = real as { [key: string]: unknown };
    const sampleObject = sample as { [key: string]: unknown };
    return Object.keys(realObject).flatMap((key) => diffPaths(sampleObject[key], realObject[key], path ? `${path}.${key}` : key));
}

export function sampleOnlyHint(answer: string): Text {
    const all = sampleDifferences();
    const named = all.filter((difference) => {
        const leaf = difference.split(' ')[0].split('.').pop() || '';
        return leaf.length > 2 && new RegExp(`\\b${leaf}\\b`, 'i').test(answer);
    });
    const fields = (named.length ? named : all).join(', ');
    const key = named.length
        ? answer
            ? 'check.sampleOnlyChokedQuoted'
            : 'check.sampleOnlyChoked'
        : answer
          ? 'check.sampleOnlyDiffersQuoted'
          : 'check.sampleOnlyDiffers';
    return t(key, { fields, answer });
}

const DEDUP_KEYS: { [event: string]: Message } = {
    Message: t('dedup.Message'),
    LivechatSession: t('dedup.LivechatSession'),
    LivechatSessionStart: t('dedup.conversation'),
    LivechatSessionQueued: t('dedup.conversation'),
    LivechatSessionTaken: t('dedup.LivechatSessionTaken'),
    LivechatSessionForwarded: t('dedup.LivechatSessionForwarded'),
    LivechatEdit: t('dedup.LivechatEdit'),
    LeadCapture: t('dedup.LeadCapture'),
    LivechatOfflineMessage: t('dedup.LivechatOfflineMessage'),
};

/**
 * What to deduplicate each event on, from what Rocket.Chat's deliveries carry (sendToCRM): the
 * payload's _id is the conversation's; no delivery carries an id of its own, and a retry resends the
 * very same body.
 */
export function dedupAdvice(event: EventType): Text {
    return t('dedup.advice', { event, on: DEDUP_KEYS[event] || t('dedup.default') });
}
