// What every request body and query shares: a JSON object (or nothing), known fields only (as
// Rocket.Chat's own endpoints do with `additionalProperties: false`), no empty value where one is
// required, and a size bound. Pure.
import { plural, t, Text } from '../i18n/text';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: 'error-invalid-params' | 'error-invalid-event'; reason: Text };

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 64;
const ID_PATTERN = /^[\w-]+$/;
const MAX_NAMED = 3;

export function invalid<T>(reason: Text): Parsed<T> {
    return { ok: false, error: 'error-invalid-params', reason };
}

/**
 * The body's fields, or a refusal: not a JSON object, larger than MAX_BODY_BYTES, a field this
 * endpoint does not take (a misspelt "URL" must not quietly become "the saved URL, with its
 * secrets"), or `null`/`""` given for a field (leave it out to mean "none").
 */
export function fieldsOf(
    body: unknown,
    allowed: ReadonlyArray<string>,
    example: string,
    noun: 'field' | 'query parameter' = 'field',
): Parsed<{ [key: string]: unknown }> {
    if (body === undefined || body === null || body === '') {
        return { ok: true, value: {} };
    }
    if (typeof body !== 'object' || Array.isArray(body)) {
        return invalid(t('input.notObject', { example }));
    }
    if (tooLarge(body)) {
        return invalid(t('input.tooLarge', { kib: MAX_BODY_BYTES / 1024 }));
    }
    const fields = body as { [key: string]: unknown };
    const unknown = Object.keys(fields).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
        const key = noun === 'field' ? (allowed.length ? 'input.unknownFields' : 'input.noFields') : allowed.length ? 'input.unknownParams' : 'input.noParams';
        return invalid(plural(key, unknown.length, { names: quoted(unknown), allowed: quoted(allowed) }));
    }
    const empty = Object.keys(fields).filter((key) => fields[key] === null || (typeof fields[key] === 'string' && (fields[key] as string).trim() === ''));
    if (empty.length > 0) {
        return invalid(plural('input.empty', empty.length, { names: quoted(empty) }));
    }
    // A field set to undefined (only internal callers can) means "not given".
    const given: { [key: string]: unknown } = {};
    for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) {
            given[key] = value;
        }
    }
    return { ok: true, value: given };
}

export function isId(value: unknown): value is string {
    return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

/** `"a", "b" and "c"`; a name is cut at 40 characters and never more than a few are listed. */
export function quoted(names: ReadonlyArray<string>): string {
    const shown = names.slice(0, MAX_NAMED).map((name) => JSON.stringify(name.slice(0, 40)));
    const more = names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : '';
    return shown.length > 1 && !more ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : `${shown.join(', ')}${more}`;
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

/** A GET that takes no query parameters (`webhook.events`, `webhook.watch`, `webhook.readiness`). */
export function parseNoQuery(query: unknown): Parsed<{ [key: string]: unknown }> {
    return fieldsOf(query, [], '(none)', 'query parameter');
}
