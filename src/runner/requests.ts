// The fields callers may send, checked before anything else happens. Pure, so it is easy to test.
import { Verdict, VERDICTS } from '../delivery/report';
import { HistoryFilters } from '../history/stats';
import { EVENT_TYPES, EventType, parseEventType } from '../payloads/eventTypes';
import { fieldsOf, invalid, isId, Parsed } from './fields';
import { t, Text } from '../i18n/text';

export { isId, MAX_BODY_BYTES, Parsed } from './fields';

export interface TestRequestFields {
    event: EventType;
    roomId?: string;
    /** A URL to test instead of the saved one; the network policy still applies. */
    url?: string;
}

const MAX_URL_LENGTH = 2048;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A JSON object body (or none) with optional "event", "roomId" and "url". */
export function parseTestRequest(body: unknown): Parsed<TestRequestFields> {
    const parsed = fieldsOf(body, ['event', 'roomId', 'url'], '{"event": "Message", "roomId": "..."}');
    if (!parsed.ok) {
        return parsed;
    }
    const fields = parsed.value;
    const { url } = fields;
    if (url !== undefined && (typeof url !== 'string' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return invalid(
            `"url" must be a string of at most ${MAX_URL_LENGTH} characters without line breaks or control characters (leave it out to test the saved webhook URL).`,
        );
    }
    const override = typeof url === 'string' ? { url: url.trim() } : {};
    const event = parseEventType(fields.event);
    if (!event.ok) {
        return { ok: false, error: 'error-invalid-event', reason: event.reason };
    }
    const { roomId } = fields;
    if (roomId === undefined) {
        return { ok: true, value: { event: event.event, ...override } };
    }
    if (!isId(roomId)) {
        return invalid(t('input.roomId'));
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

/** `GET webhook.deliveries` query: `id`, or `verdict`, `event`, `source` and `limit`; an unknown key or value is named. */
export function parseHistoryQuery(query: unknown, maxLimit: number): Parsed<HistoryQuery> {
    const parsed = fieldsOf(query, ['id', 'verdict', 'event', 'source', 'limit'], '?verdict=dropped&limit=10', 'query parameter');
    if (!parsed.ok) {
        return parsed;
    }
    const fields = parsed.value;
    const bad = (name: string, expected: Text): Parsed<HistoryQuery> => invalid(t('input.badQuery', { name, expected }));
    const text = (name: string) => {
        const value = fields[name];
        return value === undefined ? undefined : Array.isArray(value) || typeof value !== 'string' ? null : value.trim();
    };
    const id = text('id');
    if (id === null || (id !== undefined && !isId(id))) {
        return bad('id', t('input.expectedId'));
    }
    const verdict = text('verdict');
    if (verdict === null || (verdict !== undefined && !(VERDICTS as ReadonlyArray<string>).includes(verdict))) {
        return bad('verdict', t('input.oneOf', { values: VERDICTS.join(', ') }));
    }
    const source = text('source');
    if (source === null || (source !== undefined && !(SOURCES as ReadonlyArray<string>).includes(source))) {
        return bad('source', t('input.oneOf', { values: SOURCES.join(', ') }));
    }
    const eventText = text('event');
    const event = typeof eventText === 'string' ? parseEventType(eventText) : undefined;
    if (eventText === null || (event && !event.ok)) {
        return bad('event', t('input.oneOf', { values: EVENT_TYPES.join(', ') }));
    }
    const limitText = text('limit');
    const limit = limitText === undefined ? maxLimit : /^\d+$/.test(limitText || '') ? Number(limitText) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
        return bad('limit', t('input.wholeNumber', { max: maxLimit }));
    }
    if (id !== undefined && (verdict || source || event || limitText !== undefined)) {
        return invalid(t('input.idOrFilters'));
    }
    const filters: HistoryFilters = {
        ...(verdict && { verdict: verdict as Verdict }),
        ...(event && event.ok && { event: event.event }),
        ...(source && { source: source as HistoryFilters['source'] }),
    };
    return { ok: true, value: { ...(id && { id }), filters, limit } };
}

/** A GET that takes no query parameters (`webhook.events`, `webhook.watch`). */
export function parseNoQuery(query: unknown): Parsed<{ [key: string]: unknown }> {
    return fieldsOf(query, [], '(none)', 'query parameter');
}

export interface CheckRequestFields {
    url?: string;
    /** A subset of the event types; absent: all. */
    events?: Array<EventType>;
}

/** `POST webhook.check`: `{ url?, events? }`. */
export function parseCheckRequest(body: unknown): Parsed<CheckRequestFields> {
    const parsed = fieldsOf(body, ['url', 'events'], '{"events": ["Message"], "url": "https://…"}');
    if (!parsed.ok) {
        return parsed;
    }
    const { url, events } = parsed.value;
    if (url !== undefined && (typeof url !== 'string' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return invalid(t('input.checkUrl', { max: MAX_URL_LENGTH }));
    }
    if (events !== undefined && (!Array.isArray(events) || events.length === 0 || events.length > EVENT_TYPES.length * 2)) {
        return invalid(t('input.events', { events: EVENT_TYPES.join(', ') }));
    }
    const chosen: Array<EventType> = [];
    for (const value of (events as Array<unknown>) || []) {
        const event = typeof value === 'string' && value.trim() ? parseEventType(value) : undefined;
        if (!event || !event.ok) {
            return {
                ok: false,
                error: 'error-invalid-event',
                reason: t('input.eventsHolds', { value: JSON.stringify(String(value)).slice(0, 42), events: EVENT_TYPES.join(', ') }),
            };
        }
        chosen.push(event.event);
    }
    return { ok: true, value: { ...(typeof url === 'string' && { url: url.trim() }), ...(chosen.length && { events: chosen }) } };
}

/** A JSON object body with the "id" of a recorded delivery, and nothing else. */
export function parseRedeliverRequest(body: unknown): Parsed<{ id: string }> {
    const example = '{"id": "dlv_0123456789ab"}';
    const parsed = fieldsOf(body, ['id'], example);
    if (!parsed.ok) {
        return parsed;
    }
    const id = typeof parsed.value.id === 'string' ? parsed.value.id.trim() : undefined;
    if (!id || !isId(id)) {
        return invalid(t('input.redeliverId', { example }));
    }
    return { ok: true, value: { id } };
}
