// The "Send test" form: its state read into the endpoint's request body, and a refusal put under the
// field it is about (Rocket.Chat shows a view error beside its input). Pure.
import type { TestOutcome } from '../gate/answers';
import { quoted } from '../gate/fields';
import { render, t, Text } from '../i18n/text';

/** Block and action ids of the form's inputs: where its state is read on submit. */
export const FORM = { event: 'send-event', room: 'send-room', url: 'send-url' } as const;

type FieldId = (typeof FORM)[keyof typeof FORM];
export type FormErrors = { [blockId in FieldId]?: Text };
export type FormBody = { event?: unknown; roomId?: unknown; url?: unknown };

export type FormRead = { ok: true; body: FormBody } | { ok: false; errors: FormErrors };

/**
 * Empty inputs are left out (the saved URL, the sample); anything else goes to the runner's own
 * checks as it came, so a forged number or array is refused there (and shown under its field), not
 * dropped. A state that is missing, names an input the form does not have, or lacks the event (the
 * select always holds one) was not made by Rocket.Chat's client: it is refused, never read as "the
 * default test".
 */
export function readSendForm(state: unknown): FormRead {
    if (!state || typeof state !== 'object' || Array.isArray(state)) {
        return { ok: false, errors: { [FORM.event]: t('form.noValues') } };
    }
    const fields = Object.values(FORM) as Array<string>;
    const unknown = Object.keys(state).filter((blockId) => !fields.includes(blockId) || !onlyOwnInput(own(state, blockId), blockId));
    if (unknown.length > 0) {
        return { ok: false, errors: { [FORM.event]: t('form.unknownInputs', { inputs: quoted(unknown) }) } };
    }
    const value = (blockId: FieldId): unknown => {
        const raw = own(own(state, blockId), blockId);
        if (raw === undefined || raw === null) {
            return undefined;
        }
        return typeof raw === 'string' ? raw.trim() || undefined : raw;
    };
    if (value(FORM.event) === undefined) {
        return { ok: false, errors: { [FORM.event]: t('form.pickEvent') } };
    }
    return {
        ok: true,
        body: {
            event: value(FORM.event),
            ...(value(FORM.room) !== undefined && { roomId: value(FORM.room) }),
            ...(value(FORM.url) !== undefined && { url: value(FORM.url) }),
        },
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
            return fieldOfInvalidParams(render(outcome.reason, 'en'), body);
        case 'error-room-not-found':
            return FORM.room;
        case 'error-invalid-webhook-url':
        case 'error-ssrf-validation-failed':
            return body.url !== undefined ? FORM.url : undefined;
        default:
            return undefined;
    }
}

/** The runner's reasons name the field in quotes, as the endpoint's body has it (in every language). */
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

/** An input block's state holds its one input's value, under the input's own action id. */
function onlyOwnInput(block: unknown, blockId: string): boolean {
    return !!block && typeof block === 'object' && !Array.isArray(block) && Object.keys(block).every((actionId) => actionId === blockId);
}

function own(container: unknown, key: string): unknown {
    return container && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, key)
        ? (container as { [key: string]: unknown })[key]
        : undefined;
}

function length(value: unknown): number {
    return typeof value === 'string' ? value.length : value === undefined ? 0 : JSON.stringify(value).length;
}
