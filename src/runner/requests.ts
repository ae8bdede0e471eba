// The fields callers may send, checked before anything else happens. Pure, so it is easy to test.
import { EventType, parseEventType } from '../webhook/events';

export interface TestRequestFields {
    event: EventType;
    roomId?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: 'error-invalid-params' | 'error-invalid-event'; reason: string };

const MAX_ID_LENGTH = 64;
const ID_PATTERN = /^[\w-]+$/;

/** A JSON object body (or none) with optional "event" and "roomId". */
export function parseTestRequest(body: unknown): Parsed<TestRequestFields> {
    const fields = objectFields(body);
    if (!fields) {
        return { ok: false, error: 'error-invalid-params', reason: 'The body must be a JSON object, e.g. {"event": "Message", "roomId": "..."}.' };
    }
    const event = parseEventType(fields.event);
    if (!event.ok) {
        return { ok: false, error: 'error-invalid-event', reason: event.reason };
    }
    const { roomId } = fields;
    if (roomId === undefined || roomId === null || roomId === '') {
        return { ok: true, value: { event: event.event } };
    }
    if (!isId(roomId)) {
        return { ok: false, error: 'error-invalid-params', reason: '"roomId" must be the id of an Omnichannel room (letters, digits, "-" or "_").' };
    }
    return { ok: true, value: { event: event.event, roomId } };
}

/** A JSON object body with the "id" of a recorded delivery. */
export function parseRedeliverRequest(body: unknown): Parsed<{ id: string }> {
    const fields = objectFields(body);
    const id = fields && typeof fields.id === 'string' ? fields.id.trim() : undefined;
    if (!id || !isId(id)) {
        return { ok: false, error: 'error-invalid-params', reason: 'Give the "id" of a delivery from the history (GET webhook.deliveries), e.g. {"id": "dlv_0123456789ab"}.' };
    }
    return { ok: true, value: { id } };
}

export function isId(value: unknown): value is string {
    return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

function objectFields(body: unknown): { [key: string]: unknown } | undefined {
    if (body === undefined || body === null || body === '') {
        return {};
    }
    return typeof body === 'object' && !Array.isArray(body) ? (body as { [key: string]: unknown }) : undefined;
}
