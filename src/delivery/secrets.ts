// Keeping the workspace's secrets out of everything the app shows or stores, even when a receiver
// echoes them back (as written, JSON-escaped, percent-encoded, as HTML, in base64). Pure functions.
import { Buffer } from 'buffer';

export const MASK = '***';

/** Shorter base64 runs turn up by chance in other base64 text (tokens, images), so they are not masked. */
const MIN_BASE64_FORM = 8;

/** The spellings of a secret a receiver is likely to echo. */
function spellings(secret: string): Array<string> {
    const json = JSON.stringify(secret).slice(1, -1);
    return [
        secret,
        json,
        // PHP's encoder also escapes "/"; Go's escapes <, > and & as \u00XX.
        json.replace(/\//g, '\\/'),
        json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ...percentForms(secret),
        ...htmlForms(secret),
        ...base64Forms(secret),
        ...hexForms(Buffer.from(secret, 'utf8')),
    ];
}

/** Hex in either case: Java's printHexBinary and .NET's ToHexString write upper case, most others lower. Short runs turn up by chance. */
function hexForms(bytes: Buffer): Array<string> {
    const hex = bytes.toString('hex');
    return hex.length >= MIN_BASE64_FORM ? [hex, hex.toUpperCase()] : [];
}

/** What each percent-encoder keeps as it is (every other UTF-8 byte becomes %XX), and whether a space becomes "+". */
const PERCENT_ENCODERS: Array<[RegExp, boolean]> = [
    [/[A-Za-z0-9\-_.!~*'()]/, false], // encodeURIComponent
    [/[A-Za-z0-9\-_.!~*'()]/, true], // the same, form-encoded
    [/[A-Za-z0-9\-_.~/]/, false], // Python's quote
    [/[A-Za-z0-9\-_.~]/, false], // quote(safe=''), PHP's rawurlencode
    [/[A-Za-z0-9\-_.~]/, true], // quote_plus, Go's QueryEscape
    [/[A-Za-z0-9\-_.]/, true], // PHP's urlencode
    [/[A-Za-z0-9\-_.*]/, true], // Java's URLEncoder
    [/[A-Za-z0-9]/, false], // every byte but letters and digits
    [/[A-Za-z0-9]/, true],
];

function percentForms(secret: string): Array<string> {
    const bytes = [...Buffer.from(secret, 'utf8')];
    return PERCENT_ENCODERS.flatMap(([keep, plus]) => {
        const upper = bytes
            .map((byte) => {
                const c = String.fromCharCode(byte);
                if (byte < 0x80 && keep.test(c)) {
                    return c;
                }
                return plus && c === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
            })
            .join('');
        return [upper, upper.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())];
    });
}

const NAMED = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const GO = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
/** What each HTML escaper writes for the characters it encodes (escapers differ in which, and how). */
const HTML_ESCAPERS: Array<Record<string, string>> = [
    { ...NAMED, "'": '&#39;' }, // escape-html, lodash
    { ...NAMED, "'": '&#x27;' }, // Python's html.escape
    { ...NAMED, "'": '&#039;' }, // PHP's htmlspecialchars
    { ...NAMED, "'": '&apos;' }, // its ENT_HTML5
    GO, // Go's html.EscapeString, MarkupSafe
    { ...GO, '+': '&#43;' }, // Go's html/template
    { ...NAMED, "'": '&#39;', '/': '&#x2F;', '`': '&#x60;', '=': '&#x3D;' }, // Mustache
    { ...NAMED, "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' }, // Handlebars
    // Numeric references only, for the five characters every escaper encodes, or also for + = / `.
    ...[`&"'<>`, `&"'<>+=/\``].flatMap((chars) =>
        [
            (code: number) => `&#${code};`,
            (code: number) => `&#x${code.toString(16).toUpperCase()};`,
            (code: number) => `&#X${code.toString(16).toUpperCase()};`,
        ].map((reference) => Object.fromEntries([...chars].map((c) => [c, reference(c.charCodeAt(0))]))),
    ),
];

function htmlForms(secret: string): Array<string> {
    if (!/[&<>"'+=/`]/.test(secret)) {
        return [];
    }
    return HTML_ESCAPERS.flatMap((escaper) => {
        const escaped = secret.replace(/[&<>"'+=/`]/g, (c) => escaper[c] ?? c);
        // Hex digits in either case: &#x2F; or &#x2f;.
        return [escaped, escaped.replace(/&#[xX][0-9A-F]+;/g, (reference) => reference.slice(0, 3) + reference.slice(3).toLowerCase())];
    });
}

/**
 * The secret in base64, alone (padded or not, base64url) and inside a longer base64 text: there each
 * of the 3 byte offsets (mod 3) gives a different run of characters that depend on the secret's bytes
 * only (the ones at its edges mix in the neighbours' bits), and that run is masked.
 */
function base64Forms(secret: string): Array<string> {
    const bytes = Buffer.from(secret, 'utf8');
    const standard = bytes.toString('base64');
    const forms = [standard, standard.replace(/=+$/, '')];
    for (let offset = 0; offset < 3; offset++) {
        // Character k holds bits 6k to 6k + 6; the secret's bytes hold bits 8 * offset to 8 * (offset + length).
        const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
        forms.push(encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
    }
    return forms.flatMap((form) => [form, form.replace(/\+/g, '-').replace(/\//g, '_')]).filter((form) => form.replace(/=+$/, '').length >= MIN_BASE64_FORM);
}

/** How a signing key may be spelled besides the setting itself: base64 (padded or not), base64url, hex in either case. */
export function keySpellings(key: Buffer): Array<string> {
    const base64 = key.toString('base64');
    return [base64, base64.replace(/=+$/, ''), base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), ...hexForms(key)];
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

/**
 * Every occurrence replaced by the same mask, whatever the secret's length. JSON's \u00XX escapes of
 * printable ASCII are shown decoded first (encoders escape different sets, in either case: .NET
 * `\u002B`, Gson `\u003d`), and a form broken by line breaks (MIME base64 at 76 columns) is found too.
 */
export function maskSecrets(text: string, forms: Array<string>): string {
    if (forms.length === 0) {
        return text;
    }
    const decoded = /\\u00[2-7]/i.test(text) ? decodeAsciiEscapes(text) : text;
    // Most texts hold no secret: looking is cheaper than splitting.
    const masked = forms.reduce((current, form) => (current.includes(form) ? current.split(form).join(MASK) : current), decoded);
    return /[\r\n]/.test(masked) ? maskAcrossLineBreaks(masked, forms) : masked;
}

/** `\u002B` → `+`, for printable ASCII other than the quote and the backslash (which JSON must escape). */
function decodeAsciiEscapes(text: string): string {
    return text.replace(/\\u00([2-7][0-9a-f])/gi, (escape, hex: string) => {
        const c = String.fromCharCode(parseInt(hex, 16));
        return c === '"' || c === '\\' || c === '\x7f' ? escape : c;
    });
}

/** Forms that occur once the line breaks are taken out: their characters (and the breaks among them) masked. */
function maskAcrossLineBreaks(text: string, forms: Array<string>): string {
    const kept: Array<number> = [];
    let joined = '';
    for (let index = 0; index < text.length; index++) {
        if (text[index] !== '\r' && text[index] !== '\n') {
            kept.push(index);
            joined += text[index];
        }
    }
    const ranges: Array<[number, number]> = [];
    for (const form of forms) {
        if (form.length < MIN_BASE64_FORM) {
            continue;
        }
        for (let at = joined.indexOf(form); at !== -1; at = joined.indexOf(form, at + form.length)) {
            ranges.push([kept[at], kept[at + form.length - 1] + 1]);
        }
    }
    if (ranges.length === 0) {
        return text;
    }
    ranges.sort((a, b) => b[0] - a[0]);
    let masked = text;
    let before = Infinity;
    for (const [start, end] of ranges) {
        if (end <= before) {
            masked = masked.slice(0, start) + MASK + masked.slice(end);
            before = start;
        }
    }
    return masked;
}

/**
 * The first `bytes` of `content` as text, with secrets masked BEFORE the cut, so a secret that
 * straddles the cut shows none of its characters. A character cut in half at the end is dropped.
 */
export function maskedExcerpt(content: string, bytes: number, forms: Array<string>, truncated = false): string {
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
    if (truncated && size >= content.length && longest > 1) {
        // `content` is the start of a longer body: its last characters may begin a secret whose rest was cut off.
        masked = masked.slice(0, Math.max(0, masked.length - (longest - 1)));
    }
    const encoded = new TextEncoder().encode(masked.slice(0, bytes));
    // Decoding makes a new string: a slice of the body would keep the whole body alive.
    return new TextDecoder().decode(encoded.subarray(0, bytes)).replace(/\uFFFD+$/, '');
}
