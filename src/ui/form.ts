// The "Send test" form: its state read into the endpoint's request body, and a refusal put under the
// field it is about (Rocket.Chat shows a view error beside its input). Pure.
import type { TestOutcome } from '../runner/answers';

/** Block and action ids of the form's inputs: where its state is read on submit. */
export const FORM = { event: 'send-event', room: 'send-room', url: 'send-url' } as const;

type FieldId = (typeof FORM)[keyof typeof FORM];
export type FormErrors = { [blockId in FieldId]?: string };
export type FormBody = { event?: unknown; roomId?: unknown; url?: unknown };

/**
 * Empty inputs are left out (the saved URL, the sample); anything else goes to the runner's own
 * checks as it came, so a forged number or array is refused there (and shown under its field), not dropped.
 */
export function readSendForm(state: unknown): FormBody {
    const value = (blockId: FieldId): unknown => {
        const block = own(state, blockId);
        const raw = own(block, blockId);
        if (raw === undefined || raw === null) {
            return undefined;
        }
        return typeof raw === 'string' ? raw.trim() || undefined : raw;
    };
    return {
        ...(value(FORM.event) !== undefined && { event: value(FORM.event) }),
        ...(value(FORM.room) !== undefined && { roomId: value(FORM.room) }),
        ...(value(FORM.url) !== undefined && { url: value(FORM.url) }),
    };
}

/** The field a refused test is about, when the refusal is about the input; else undefined (the panel shows it). */
export function fieldOfOutcome(outcome: TestOutcome, body: FormBody): FieldId | undefined {
    if (outcome.delivery) {
        const refusedUrl = body.url !== undefined && (outcome.delivery.verdict === 'refused' || outcome.delivery.errorKind === 'invalid-url');
        return refusedUrl ? FORM.url : undefined;
    }
    switch (outcome.error) {
        case 'error-invalid-event':
            return FORM.event;
        case 'error-invalid-params':
            return fieldOfInvalidParams(outcome.reason, body);
        case 'error-room-not-found':
        case 'error-not-omnichannel-room':
            return FORM.room;
        case 'error-invalid-webhook-url':
        case 'error-ssrf-validation-failed':
            return body.url !== undefined ? FORM.url : undefined;
        default:
            return undefined;
    }
}

/** The runner's reasons name the field in quotes, as the endpoint's body has it. */
function fieldOfInvalidParams(reason: string, body: FormBody): FieldId {
    if (/"url"/.test(reason)) {
        return FORM.url;
    }
    if (/"roomId"/.test(reason)) {
        return FORM.room;
    }
    // The body as a whole (too large): its longest field made it so.
    const sizes: Array<[FieldId, number]> = [
        [FORM.url, length(body.url)],
        [FORM.room, length(body.roomId)],
        [FORM.event, length(body.event)],
    ];
    return sizes.sort((a, b) => b[1] - a[1])[0][0];
}

function own(container: unknown, key: string): unknown {
    return container && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, key)
        ? (container as { [key: string]: unknown })[key]
        : undefined;
}

function length(value: unknown): number {
    return typeof value === 'string' ? value.length : value === undefined ? 0 : JSON.stringify(value).length;
}
