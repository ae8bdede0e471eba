// `POST webhook.redeliver` `{ id }`, slash `redeliver <id>`, the "Send again" button: a recorded
// delivery's exact body sent again, to the saved webhook URL as configured now, or, for a test of
// another URL, to that URL again (without secrets unless it is now the saved one).
import { usableSettings } from '../gate/access';
import { failure, isAnswer, TestOutcome } from '../gate/answers';
import { fieldsOf, invalid, isId, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { newDeliveryId } from '../delivery/describe';
import { send } from '../delivery/send';
import { HISTORY_LIMIT, StoredDelivery } from '../history/DeliveryHistory';
import { maySeeSource } from '../history/visibility';
import { ROOM_NOT_FOUND } from '../payloads/roomSource';
import type { DeliverySettings } from '../settings/settings';
import { t } from '../i18n/text';

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

type Redelivery = { original: StoredDelivery & { body: string }; ready: DeliverySettings };

export const REDELIVER: UseCase<{ id: string }, TestOutcome, Redelivery> = {
    audit: 'redelivery',
    parse: parseRedeliverRequest,
    async prepare(stores, call, { id }) {
        const original = await stores.history.find(call.read.getPersistenceReader(), call.persis, id, call.log);
        if (!original) {
            return failure(404, 'error-delivery-not-found', t('history.notFound', { id, limit: HISTORY_LIMIT }));
        }
        if (original.kind === 'check') {
            return failure(400, 'error-not-redeliverable', t('history.isCheck', { id: original.id }));
        }
        if (!(await maySeeSource(call.read, call.viewer, original))) {
            return failure(ROOM_NOT_FOUND.status, ROOM_NOT_FOUND.error, ROOM_NOT_FOUND.reason);
        }
        if (original.body === undefined) {
            return failure(400, 'error-not-redeliverable', t('history.tooLarge', { id: original.report.id }));
        }
        const ready = usableSettings(call.settings);
        return isAnswer(ready) ? ready : { cost: 1, input: { original: { ...original, body: original.body }, ready } };
    },
    tracked: { kind: 'delivery', newId: newDeliveryId },
    run(stores, call, { original, ready }, id) {
        const { event, source } = original.report;
        const webhookId = original.report.webhookId || original.report.id;
        const payload = { event, body: original.body, source, redeliveryOf: { id: original.report.id, webhookId } };
        return send(stores, call, { settings: call.settings, ready, payload, requestedUrl: original.url, by: call.user.username, id });
    },
};
