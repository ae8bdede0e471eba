// The fields callers may send, checked before anything else happens. Pure, so it is easy to test.
import { Verdict, VERDICTS } from '../delivery/report';
import { HistoryFilters } from '../history/stats';
import { EVENT_TYPES, EventType, parseEventType } from '../payloads/eventTypes';

export interface TestRequestFields {
    event: EventType;
    roomId?: string;
    /** A URL to test instead of the saved one; the network policy still applies. */
    url?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: 'error-invalid-params' | 'error-invalid-event'; reason: string };

const MAX_ID_LENGTH = 64;
const ID_PATTERN = /^[\w-]+$/;
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_URL_LENGTH = 2048;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A JSON object body (or none) with optional "event", "roomId" and "url". */
export function parseTestRequest(body: unknown): Parsed<TestRequestFields> {
    const fields = objectFields(body);
    if (!fields) {
        return { ok: false, error: 'error-invalid-params', reason: 'The body must be a JSON object, e.g. {"event": "Message", "roomId": "..."}.' };
    }
    if (tooLarge(body)) {
        return { ok: false, error: 'error-invalid-params', reason: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.` };
    }
    const { url } = fields;
    if (url !== undefined && (typeof url !== 'string' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return {
            ok: false,
            error: 'error-invalid-params',
            reason: `"url" must be a string of at most ${MAX_URL_LENGTH} characters without line breaks or control characters (leave it out to test the saved webhook URL).`,
        };
    }
    if (typeof url === 'string' && url.trim() === '') {
        // A blank URL is a mistake, never "the saved one": leave "url" out to test the saved URL.
        return { ok: false, error: 'error-invalid-params', reason: '"url" is blank: give the URL to test, or leave "url" out to test the saved webhook URL.' };
    }
    const override = typeof url === 'string' ? { url: url.trim() } : {};
    const event = parseEventType(fields.event);
    if (!event.ok) {
        return { ok: false, error: 'error-invalid-event', reason: event.reason };
    }
    const { roomId } = fields;
    if (roomId === undefined || roomId === null || roomId === '') {
        return { ok: true, value: { event: event.event, ...override } };
    }
    if (!isId(roomId)) {
        return { ok: false, error: 'error-invalid-params', reason: '"roomId" must be the id of an Omnichannel room (letters, digits, "-" or "_").' };
    }
    return { ok: true, value: { event: event.event, roomId, ...override } };
}

export interface HistoryQuery {
    /** One delivery, with its detail. */
    id?: string;
    filters: HistoryFilters;
    /** How many of the matching deliveries to list (1 to HISTORY_LIMIT). */
    limit: number;
}

const SOURCES = ['sample', 'room', 'watch', 'check'] as const;

/** `GET webhook.deliveries` query: `id`, or `verdict`, `event`, `source` and `limit`; an unknown value is named. */
export function parseHistoryQuery(query: unknown, maxLimit: number): Parsed<HistoryQuery> {
    const fields = query && typeof query === 'object' ? (query as { [key: string]: unknown }) : {};
    const bad = (name: string, expected: string): Parsed<HistoryQuery> => ({
        ok: false,
        error: 'error-invalid-params',
        reason: `The "${name}" query parameter must be ${expected}.`,
    });
    const text = (name: string) => {
        const value = fields[name];
        return value === undefined || value === '' ? undefined : Array.isArray(value) || typeof value !== 'string' ? null : value.trim();
    };
    const id = text('id');
    if (id === null || (id !== undefined && !isId(id))) {
        return bad('id', 'a delivery id, e.g. dlv_0123456789ab');
    }
    const verdict = text('verdict');
    if (verdict === null || (verdict !== undefined && !(VERDICTS as ReadonlyArray<string>).includes(verdict))) {
        return bad('verdict', `one of ${VERDICTS.join(', ')}`);
    }
    const source = text('source');
    if (source === null || (source !== undefined && !(SOURCES as ReadonlyArray<string>).includes(source))) {
        return bad('source', `one of ${SOURCES.join(', ')}`);
    }
    const eventText = text('event');
    const event = eventText === undefined ? undefined : eventText === null ? undefined : parseEventType(eventText);
    if (eventText === null || (event && !event.ok)) {
        return bad('event', `one of ${EVENT_TYPES.join(', ')}`);
    }
    const limitText = text('limit');
    const limit = limitText === undefined ? maxLimit : /^\d+$/.test(limitText || '') ? Number(limitText) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
        return bad('limit', `a whole number from 1 to ${maxLimit}`);
    }
    const filters: HistoryFilters = {
        ...(verdict && { verdict: verdict as Verdict }),
        ...(event && event.ok && { event: event.event }),
        ...(source && { source: source as HistoryFilters['source'] }),
    };
    return { ok: true, value: { ...(id && { id }), filters, limit } };
}

export interface CheckRequestFields {
    url?: string;
    /** A subset of the event types; absent or empty: all. */
    events?: Array<EventType>;
}

/** `POST webhook.check`: `{ url?, events? }`. */
export function parseCheckRequest(body: unknown): Parsed<CheckRequestFields> {
    const fields = objectFields(body);
    if (!fields || tooLarge(body)) {
        return { ok: false, error: 'error-invalid-params', reason: 'The body must be a JSON object, e.g. {"events": ["Message"], "url": "https://…"}.' };
    }
    const { url, events } = fields;
    if (url !== undefined && (typeof url !== 'string' || url.trim() === '' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return {
            ok: false,
            error: 'error-invalid-params',
            reason: `"url" must be a non-blank string of at most ${MAX_URL_LENGTH} characters (leave it out to check the saved webhook URL).`,
        };
    }
    if (events !== undefined && (!Array.isArray(events) || events.length > EVENT_TYPES.length * 2)) {
        return { ok: false, error: 'error-invalid-params', reason: `"events" must be a list of event types: ${EVENT_TYPES.join(', ')}.` };
    }
    const parsed: Array<EventType> = [];
    for (const value of (events as Array<unknown>) || []) {
        const event = typeof value === 'string' && value.trim() ? parseEventType(value) : undefined;
        if (!event || !event.ok) {
            return {
                ok: false,
                error: 'error-invalid-event',
                reason: `"events" holds ${JSON.stringify(String(value)).slice(0, 42)}, not an event type; valid events: ${EVENT_TYPES.join(', ')}.`,
            };
        }
        parsed.push(event.event);
    }
    return { ok: true, value: { ...(typeof url === 'string' && { url: url.trim() }), ...(parsed.length && { events: parsed }) } };
}

/** A JSON object body with the "id" of a recorded delivery. */
export function parseRedeliverRequest(body: unknown): Parsed<{ id: string }> {
    const fields = tooLarge(body) ? undefined : objectFields(body);
    const id = fields && typeof fields.id === 'string' ? fields.id.trim() : undefined;
    if (!id || !isId(id)) {
        return {
            ok: false,
            error: 'error-invalid-params',
            reason: 'Give the "id" of a delivery from the history (GET webhook.deliveries), e.g. {"id": "dlv_0123456789ab"}.',
        };
    }
    return { ok: true, value: { id } };
}

export function isId(value: unknown): value is string {
    return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

/** The body as the host parsed it; measured as JSON (one that cannot be serialised counts as too large). */
function tooLarge(body: unknown): boolean {
    try {
        const text = JSON.stringify(body);
        return text !== undefined && text.length > MAX_BODY_BYTES / 4 && new TextEncoder().encode(text).length > MAX_BODY_BYTES;
    } catch {
        return true;
    }
}

function objectFields(body: unknown): { [key: string]: unknown } | undefined {
    if (body === undefined || body === null || body === '') {
        return {};
    }
    return typeof body === 'object' && !Array.isArray(body) ? (body as { [key: string]: unknown }) : undefined;
}
