// Keeping the workspace's secrets out of everything the app shows or stores, even when a receiver
// echoes them back (as written, JSON-escaped, URL- or form-encoded, as HTML). Pure functions.
import { Buffer } from 'buffer';

export const MASK = '***';

/** The spellings of a secret a receiver is likely to echo. */
function spellings(secret: string): Array<string> {
    const json = JSON.stringify(secret).slice(1, -1);
    const url = encodeURIComponent(secret);
    return [
        secret,
        json,
        // PHP's encoder also escapes "/"; Go's escapes <, > and & as \u00XX.
        json.replace(/\//g, '\\/'),
        json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        url,
        url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
        // Form encoding: spaces as "+".
        url.replace(/%20/g, '+'),
        secret.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`),
    ];
}

/** How a signing key may be spelled besides the setting itself: base64 (padded or not), base64url, hex. */
export function keySpellings(key: Buffer): Array<string> {
    const base64 = key.toString('base64');
    return [base64, base64.replace(/=+$/, ''), base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), key.toString('hex')];
}

let lastForms: { key: string; forms: Array<string> } | undefined;

/** Each secret's spellings, longest first, so a secret that contains another is masked whole. */
export function secretForms(secrets: Array<string>): Array<string> {
    // The same settings give the same forms: kept for the next test.
    const key = JSON.stringify(secrets);
    if (lastForms && lastForms.key === key) {
        return lastForms.forms;
    }
    const forms = computeForms(secrets);
    lastForms = { key, forms };
    return forms;
}

function computeForms(secrets: Array<string>): Array<string> {
    const forms = new Set<string>();
    for (const secret of secrets) {
        if (secret.length > 0) {
            spellings(secret).forEach((form) => forms.add(form));
        }
    }
    return [...forms].sort((a, b) => b.length - a.length);
}

/** Every occurrence replaced by the same mask, whatever the secret's length. */
export function maskSecrets(text: string, forms: Array<string>): string {
    return forms.reduce((masked, form) => masked.split(form).join(MASK), text);
}

/**
 * The first `bytes` of `content` as text, with secrets masked BEFORE the cut, so a secret that
 * straddles the cut shows none of its characters. A character cut in half at the end is dropped.
 */
export function maskedExcerpt(content: string, bytes: number, forms: Array<string>): string {
    // Each character takes at least one byte, so the first `bytes` bytes lie within the first
    // `bytes` characters of the masked text. Masking shortens the text (a secret becomes "***"),
    // pulling later characters forward, so the window grows until the masked text holds `bytes`
    // characters and then the longest form's length more: no occurrence that could reach the cut
    // is left unmasked, however many there are.
    const longest = forms.length ? forms[0].length : 0;
    let size = bytes + longest;
    let masked = maskSecrets(content.slice(0, size), forms);
    while (masked.length < bytes + longest && size < content.length) {
        size += bytes + longest - masked.length + longest;
        masked = maskSecrets(content.slice(0, size), forms);
    }
    const encoded = new TextEncoder().encode(masked.slice(0, bytes));
    // Decoding makes a new string: a slice of the body would keep the whole body alive.
    return new TextDecoder().decode(encoded.subarray(0, bytes)).replace(/\uFFFD+$/, '');
}
