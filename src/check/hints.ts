// The receiver check's longer hints: what a 200 that took no data looks like, what the fixed sample
// differs in from a real delivery, and what to deduplicate each event on. Pure.
import { buildEventSample, buildRealShapeSample } from '../payloads/events';
import type { EventType } from '../payloads/eventTypes';
import { parseJson } from '../util/bodyText';

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

export function sampleOnlyHint(answer: string): string {
    const all = sampleDifferences();
    const named = all.filter((difference) => {
        const leaf = difference.split(' ')[0].split('.').pop() || '';
        return leaf.length > 2 && new RegExp(`\\b${leaf}\\b`, 'i').test(answer);
    });
    const fields = (named.length ? named : all).join(', ');
    return (
        "Only Rocket.Chat's fixed test sample fails here; the same event as real deliveries send it was delivered, so real traffic is fine, " +
        `but Rocket.Chat's own Send Test button would fail. ${named.length ? 'The receiver choked on' : 'The sample differs from a real delivery in'}: ${fields}` +
        `${answer ? ` (its answer: "${answer}")` : ''}. Read those fields with a default.`
    );
}

/**
 * What to deduplicate each event on, from what Rocket.Chat's deliveries carry (sendToCRM): the
 * payload's _id is the conversation's; no delivery carries an id of its own, and a retry resends the
 * very same body.
 */
export function dedupAdvice(event: EventType): string {
    const keys: { [event: string]: string } = {
        Message:
            "the message's id (messages[0]._id; each Message delivery carries one message): the payload's _id is the conversation's, so _id and type would drop every message after a conversation's first",
        LivechatSession: 'type and _id (the conversation): a conversation is closed once',
        LivechatSessionStart: 'type and _id (the conversation)',
        LivechatSessionQueued: 'type and _id (the conversation)',
        LivechatSessionTaken: 'type, _id (the conversation) and servedBy._id: a conversation is taken again after a transfer',
        LivechatSessionForwarded: 'type, _id, servedBy._id, departmentId and oldServedBy._id / oldDepartmentId: a conversation can be forwarded many times',
        LivechatEdit: 'a hash of the whole body: edits of one conversation repeat with no key of their own, and a retry resends the same bytes',
        LeadCapture: '_id, visitor.email and visitor.phone (or a hash of the body): Rocket.Chat sends it again on most visitor messages',
        LivechatOfflineMessage: 'a hash of the whole body (it has no id; its sentAt stays the same on a retry)',
    };
    return (
        "The receiver answered 200 to a duplicate too. Rocket.Chat retries a delivery after a timeout, a 5xx or a 429, resending the same body, and real deliveries carry no webhook-id (only this app's signed tests do): " +
        `deduplicate ${event} on ${keys[event] || 'type and _id'}.`
    );
}
