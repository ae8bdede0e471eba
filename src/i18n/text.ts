// Texts a person reads, kept as data until a surface shows them: a catalogue key with its
// arguments (`t`), several texts in a row (`cat`), or a plain string (names, codes, quoted
// answers). The surface renders them in its reader's language; REST answers render English.
import { CATALOGUES, Key } from './catalogue';

export const LANGUAGES = ['en', 'pt-BR', 'es', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

export type Arg = Text | number;
export interface Message {
    i18n: Key;
    args?: { [name: string]: Arg };
}
/** Items joined as a sentence does: "a, b and c" (`and`) or "a, b or c" (`or`). */
export interface ListOf {
    list: Array<Arg>;
    joint: 'and' | 'or';
}
/** Texts side by side, with `sep` between them ('' by default). */
export interface Concat {
    cat: Array<Text>;
    sep?: string;
}
export type Text = string | Message | Concat | ListOf;

export function t(key: Key, args?: { [name: string]: Arg | undefined }): Message {
    if (!args) {
        return { i18n: key };
    }
    const defined: { [name: string]: Arg } = {};
    for (const [name, value] of Object.entries(args)) {
        if (value !== undefined) {
            defined[name] = value;
        }
    }
    return { i18n: key, args: defined };
}

/** `key.one` for 1, `key.other` for any other count (the rule of all four languages); `{count}` is the number. */
export function plural(key: string, count: number, args?: { [name: string]: Arg | undefined }): Message {
    return t(`${key}.${count === 1 ? 'one' : 'other'}` as Key, { ...args, count });
}

export function list(items: Array<Arg>, joint: 'and' | 'or' = 'and'): ListOf {
    return { list: items, joint };
}

export function cat(parts: Array<Text | undefined | false>, sep = ''): Concat {
    return { cat: parts.filter((part): part is Text => part !== undefined && part !== false && part !== ''), ...(sep && { sep }) };
}

export function isMessage(value: unknown): value is Message {
    return typeof value === 'object' && value !== null && typeof (value as Message).i18n === 'string';
}

function isConcat(value: unknown): value is Concat {
    return typeof value === 'object' && value !== null && Array.isArray((value as Concat).cat);
}

function isList(value: unknown): value is ListOf {
    return typeof value === 'object' && value !== null && Array.isArray((value as ListOf).list) && ['and', 'or'].includes((value as ListOf).joint);
}

/** The catalogue's sentence in `lang`, English when it lacks one, the key itself when no language has it (a record from a later version). */
function sentence(key: string, lang: Lang): string {
    const own = (CATALOGUES[lang] as { [key: string]: string | undefined })[key];
    return own !== undefined ? own : ((CATALOGUES.en as { [key: string]: string | undefined })[key] ?? key);
}

const NUMBER_FORMATS = new Map<Lang, Intl.NumberFormat>();

/** A number as the reader writes it ("41,7" in pt-BR, es and de); no grouping, so ids, ports and years read as they are. */
export function formatNumber(value: number, lang: Lang): string {
    let format = NUMBER_FORMATS.get(lang);
    if (!format) {
        format = new Intl.NumberFormat(lang, { useGrouping: false, maximumFractionDigits: 3 });
        NUMBER_FORMATS.set(lang, format);
    }
    return Number.isFinite(value) ? format.format(value) : String(value);
}

function renderArg(arg: Arg, lang: Lang): string {
    if (typeof arg === 'string') {
        return arg;
    }
    if (typeof arg === 'number') {
        return formatNumber(arg, lang);
    }
    if (isList(arg)) {
        const items = arg.list.map((item) => renderArg(item, lang));
        if (items.length < 2) {
            return items.join('');
        }
        const joint = sentence(arg.joint === 'and' ? 'list.and' : 'list.or', lang);
        return `${items.slice(0, -1).join(', ')} ${joint} ${items[items.length - 1]}`;
    }
    return render(arg as Text, lang);
}

export function render(text: Text | undefined, lang: Lang): string {
    if (text === undefined) {
        return '';
    }
    if (typeof text === 'string') {
        return text;
    }
    if (isConcat(text)) {
        return text.cat.map((part) => render(part, lang)).join(text.sep || '');
    }
    if (isList(text)) {
        return renderArg(text, lang);
    }
    const template = sentence(text.i18n, lang);
    const args = text.args || {};
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (args[name] === undefined ? whole : renderArg(args[name], lang)));
}

/** Strings for texts at every depth of a value (an answer, blocks, a view); everything else as it is. */
export type Localized<T> = T extends Text
    ? T extends string
        ? T
        : string
    : T extends Array<infer I>
      ? Array<Localized<I>>
      : T extends object
        ? { [K in keyof T]: Localized<T[K]> }
        : T;

export function localize<T>(value: T, lang: Lang): Localized<T> {
    if (value === null || typeof value !== 'object') {
        return value as Localized<T>;
    }
    if (isMessage(value) || isConcat(value) || isList(value)) {
        return render(value as Text, lang) as Localized<T>;
    }
    if (Array.isArray(value)) {
        return value.map((item) => localize(item, lang)) as Localized<T>;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        return value as Localized<T>;
    }
    const out: { [key: string]: unknown } = {};
    for (const [key, item] of Object.entries(value as object)) {
        out[key] = localize(item, lang);
    }
    return out as Localized<T>;
}
