// `GET webhook.deliveries[?id=…|?verdict=&event=&source=&limit=]`, slash `history`, the panel's list
// and details: the recorded deliveries with stats, newest first, or one with its detail.
import { DeliveryItem, failure, HistoryAnswer, HistoryItem } from '../gate/answers';
import { stillRunning } from '../gate/budget';
import { fieldsOf, invalid, isId, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { roomOfSource, Verdict, VERDICTS } from '../delivery/report';
import { HISTORY_LIMIT } from '../history/DeliveryHistory';
import { EXPORT_FORMATS, ExportFormat, exportFile } from '../history/export';
import { HistoryFilters, matches, statsOf } from '../history/stats';
import { hiddenRooms, maySeeSource, toCheckItem, toDeliveryItem, withheld, WITHHELD } from '../history/visibility';
import { EVENT_TYPES, parseEventType } from '../payloads/eventTypes';
import { plural, t, Text } from '../i18n/text';

export interface HistoryQuery {
    /** One delivery, with its detail. */
    id?: string;
    filters: HistoryFilters;
    /** How many of the matching deliveries to list (1 to HISTORY_LIMIT). */
    limit: number;
    /** The listing as a file (csv, ndjson) rather than JSON. */
    format?: ExportFormat;
}

const SOURCES = ['sample', 'room', 'watch', 'check', 'backfill'] as const;

/** `GET webhook.deliveries` query: `id`, or `verdict`, `event`, `source`, `limit` and `format`; an unknown key or value is named. */
export function parseHistoryQuery(query: unknown, maxLimit = HISTORY_LIMIT): Parsed<HistoryQuery> {
    const parsed = fieldsOf(query, ['id', 'verdict', 'event', 'source', 'limit', 'format'], '?verdict=dropped&limit=10', 'query parameter');
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
    const format = text('format');
    if (format === null || (format !== undefined && !['json', ...EXPORT_FORMATS].includes(format))) {
        return bad('format', t('input.oneOf', { values: ['json', ...EXPORT_FORMATS].join(', ') }));
    }
    const file = format === 'csv' || format === 'ndjson' ? format : undefined;
    if (id !== undefined && (verdict || source || event || limitText !== undefined || file)) {
        return invalid(t('input.idOrFilters'));
    }
    const filters: HistoryFilters = {
        ...(verdict && { verdict: verdict as Verdict }),
        ...(event && event.ok && { event: event.event }),
        ...(source && { source: source as HistoryFilters['source'] }),
    };
    return { ok: true, value: { ...(id && { id }), filters, limit, ...(file && { format: file }) } };
}

export const DELIVERIES: UseCase<HistoryQuery, HistoryAnswer> = {
    parse: (query) => parseHistoryQuery(query === undefined ? {} : query),
    async run(stores, call, { id, filters, limit, format }) {
        const reader = call.read.getPersistenceReader();
        if (id !== undefined) {
            const entry = await stores.history.find(reader, call.persis, id, call.log);
            const running = entry ? undefined : stores.inFlight.get(id);
            if (running) {
                return stillRunning(running);
            }
            if (!entry) {
                return failure(404, 'error-delivery-not-found', t('history.noSuchId'));
            }
            if (entry.kind === 'check') {
                const item = toCheckItem(entry);
                const summary = entry.summary || { ready: item.check.ready, steps: [], problems: [] };
                return { success: true, httpStatus: 200, reason: t('history.oneDelivery'), entry: { ...item, check: { ...item.check, ...summary } } };
            }
            // A conversation's payload is shown only to whoever may see the conversation now.
            // A receiver's answer may echo the payload: withheld with it.
            const shown = await maySeeSource(call.read, call.viewer, entry);
            const item = toDeliveryItem(entry);
            const detail = shown ? { body: entry.body, request: entry.request, response: entry.response } : { bodyWithheld: WITHHELD, request: entry.request };
            return { success: true, httpStatus: 200, reason: t('history.oneDelivery'), entry: { ...(shown ? item : withheld(item)), ...detail } };
        }
        // Checks are listed beside deliveries (or alone with source=check); the stats count deliveries only.
        const stored = await stores.history.list(reader, call.persis, call.log);
        const hidden = await hiddenRooms(call.read, call.viewer, stored);
        const all = stored.map((entry): HistoryItem => {
            if (entry.kind === 'check') {
                return toCheckItem(entry);
            }
            const item = toDeliveryItem(entry);
            const roomId = roomOfSource(entry.report.source);
            return roomId !== undefined && hidden.has(roomId) ? withheld(item) : item;
        });
        const items = all.filter((item) => (item.kind === 'check' ? filters.source === 'check' || Object.keys(filters).length === 0 : matches(item, filters)));
        const reason = plural(Object.keys(filters).length ? 'history.matching' : 'history.recorded', items.length);
        if (format) {
            return { success: true, httpStatus: 200, reason, file: exportFile(items.slice(0, limit), format, new Date()) };
        }
        return {
            success: true,
            httpStatus: 200,
            reason,
            deliveries: items.slice(0, limit),
            stats: statsOf(items.filter((item): item is DeliveryItem => item.kind !== 'check')),
        };
    },
};
