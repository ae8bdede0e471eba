// Keeping the workspace's secrets out of everything the app shows or stores, even when a receiver
// echoes them back (as written, JSON-escaped or URL-encoded). Pure functions.

export const MASK = '***';

/** The spellings of a secret a receiver is likely to echo. */
function spellings(secret: string): Array<string> {
    const json = JSON.stringify(secret).slice(1, -1);
    // Some JSON encoders (PHP's, for one) also escape "/".
    return [secret, json, json.replace(/\//g, '\\/'), encodeURIComponent(secret)];
}

/** Each secret's spellings, longest first, so a secret that contains another is masked whole. */
export function secretForms(secrets: Array<string>): Array<string> {
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
    // `bytes` characters; any secret that starts there ends within the longest form's length more.
    const longest = forms.length ? forms[0].length : 0;
    const window = maskSecrets(content.slice(0, bytes + longest), forms);
    const encoded = new TextEncoder().encode(window.slice(0, bytes));
    // Decoding makes a new string: a slice of the body would keep the whole body alive.
    return new TextDecoder().decode(encoded.subarray(0, bytes)).replace(/\uFFFD+$/, '');
}
