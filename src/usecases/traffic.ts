// `GET webhook.traffic[?roomId=&event=&sent=&since=&limit=]`, slash `traffic`, the panel's traffic
// line and a conversation's events: what Rocket.Chat made of the Omnichannel events the engine told
// the app of, newest first, with counts per event type.
import { Answer, failure } from '../gate/answers';
import { fieldsOf, invalid, isId, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { hiddenRoomIds, maySeeRoom, WITHHELD } from '../history/visibility';
import { EVENT_TYPES, EventType, parseEventType } from '../payloads/eventTypes';
import { ROOM_NOT_FOUND } from '../payloads/roomSource';
import { Counts, countsOf } from '../traffic/counts';
import { eventsOf, TrafficEvent } from '../traffic/journal';
import { plural, t, Text } from '../i18n/text';

export const TRAFFIC_LIMIT = 100;

export interface TrafficQuery {
    roomId?: string;
    event?: EventType;
    sent?: boolean;
    /** ms since the epoch. */
    since?: number;
    limit: number;
}

export interface TrafficAnswer extends Answer {
    /** Newest first, at most `limit`; a conversation the caller may not see keeps its events but not its ids. */
    events?: Array<TrafficEvent & { withheld?: Text }>;
    /** Over every kept event that matches the filters (not only the `limit` listed). */
    counts?: Counts;
    total?: number;
}

export function parseTrafficQuery(query: unknown): Parsed<TrafficQuery> {
    const parsed = fieldsOf(query, ['roomId', 'event', 'sent', 'since', 'limit'], '?event=LivechatSession&sent=false&limit=20', 'query parameter');
    if (!parsed.ok) {
        return parsed;
    }
    const bad = (name: string, expected: Text): Parsed<TrafficQuery> => invalid(t('input.badQuery', { name, expected }));
    const text = (name: string) => {
        const value = parsed.value[name];
        return value === undefined ? undefined : typeof value === 'string' ? value.trim() : null;
    };
    const roomId = text('roomId');
    if (roomId === null || (roomId !== undefined && !isId(roomId))) {
        return bad('roomId', t('input.expectedRoomId'));
    }
    const eventText = text('event');
    const event = typeof eventText === 'string' ? parseEventType(eventText) : undefined;
    if (eventText === null || (event && !event.ok)) {
        return bad('event', t('input.oneOf', { values: EVENT_TYPES.join(', ') }));
    }
    const sent = text('sent');
    if (sent === null || (sent !== undefined && sent !== 'true' && sent !== 'false')) {
        return bad('sent', t('input.oneOf', { values: 'true, false' }));
    }
    const sinceText = text('since');
    const since = sinceText === undefined ? undefined : Date.parse(sinceText || '');
    if (sinceText === null || (since !== undefined && !Number.isFinite(since))) {
        return bad('since', t('input.isoTime'));
    }
    const limitText = text('limit');
    const limit = limitText === undefined ? 50 : /^\d+$/.test(limitText || '') ? Number(limitText) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > TRAFFIC_LIMIT) {
        return bad('limit', t('input.wholeNumber', { max: TRAFFIC_LIMIT }));
    }
    return {
        ok: true,
        value: {
            ...(roomId && { roomId }),
            ...(event && event.ok && { event: event.event }),
            ...(sent && { sent: sent === 'true' }),
            ...(since !== undefined && { since }),
            limit,
        },
    };
}

export const TRAFFIC: UseCase<TrafficQuery, TrafficAnswer> = {
    parse: parseTrafficQuery,
    async run(stores, call, { roomId, event, sent, since, limit }) {
        const reader = call.read.getPersistenceReader();
        if (roomId !== undefined && !(await maySeeRoom(call.read, call.viewer, roomId))) {
            return failure(ROOM_NOT_FOUND.status, ROOM_NOT_FOUND.error, ROOM_NOT_FOUND.reason);
        }
        const records = roomId === undefined ? await stores.journal.all(reader) : await stores.journal.ofRoom(reader, roomId);
        const matching = records
            .flatMap(eventsOf)
            .filter((item) => (event === undefined || item.event === event) && (sent === undefined || item.sent === sent))
            .filter((item) => since === undefined || Date.parse(item.at) >= since)
            .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
        const page = matching.slice(0, limit);
        // Each conversation of the page read once; the counts name none.
        const hidden =
            roomId === undefined
                ? await hiddenRoomIds(
                      call.read,
                      call.viewer,
                      page.map((item) => item.roomId),
                  )
                : new Set<string>();
        const events = page.map((item) => {
            if (!hidden.has(item.roomId)) {
                return item;
            }
            const { messageId: _messageId, ...rest } = item;
            return { ...rest, roomId: '', withheld: WITHHELD };
        });
        return {
            success: true,
            httpStatus: 200,
            reason: plural('traffic.listed', matching.length),
            events,
            counts: countsOf(matching),
            total: matching.length,
        };
    },
};
