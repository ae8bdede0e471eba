// `POST webhook.test` `{ event?, roomId?, url? }`, slash `/livechat-webhook-test [event] [room]`, the
// panel's form: one test delivery, its report, and its record in the history.
import { usableSettings } from '../gate/access';
import { isAnswer, TestOutcome } from '../gate/answers';
import { fieldsOf, invalid, isId, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { newDeliveryId } from '../delivery/describe';
import { send } from '../delivery/send';
import { EventType, parseEventType } from '../payloads/eventTypes';
import { Payload, preparePayload } from '../payloads/prepare';
import type { DeliverySettings } from '../settings/settings';
import { t } from '../i18n/text';

export interface TestRequest {
    event: EventType;
    roomId?: string;
    /** A URL to test instead of the saved one; the network policy still applies. */
    url?: string;
}

export const MAX_URL_LENGTH = 2048;
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A JSON object body (or none) with optional "event", "roomId" and "url". */
export function parseTestRequest(body: unknown): Parsed<TestRequest> {
    const parsed = fieldsOf(body, ['event', 'roomId', 'url'], '{"event": "Message", "roomId": "..."}');
    if (!parsed.ok) {
        return parsed;
    }
    const fields = parsed.value;
    const { url } = fields;
    if (url !== undefined && (typeof url !== 'string' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return invalid(t('input.testUrl', { max: MAX_URL_LENGTH }));
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

export const TEST: UseCase<TestRequest, TestOutcome, { request: TestRequest; payload: Payload; ready: DeliverySettings }> = {
    audit: 'test',
    parse: parseTestRequest,
    async prepare(_stores, call, request) {
        const ready = usableSettings(call.settings);
        if (isAnswer(ready)) {
            return ready;
        }
        const payload = await preparePayload(call.read, request.event, request.roomId, call.viewer);
        return isAnswer(payload) ? payload : { cost: 1, input: { request, payload, ready } };
    },
    tracked: { kind: 'delivery', newId: newDeliveryId },
    run: (stores, call, { request, payload, ready }, id) =>
        send(stores, call, { settings: call.settings, ready, payload, requestedUrl: request.url, by: call.user.username, id }),
};
