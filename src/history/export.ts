// `GET webhook.deliveries?format=csv|ndjson`: the listed history as a file for a spreadsheet or a
// support ticket. Pure: the items are already masked and withheld as the JSON listing shows them.
import type { HistoryItem } from '../gate/answers';
import { roomOfSource } from '../delivery/report';
import { render } from '../i18n/text';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A file answer: the endpoint sends `body` as it is, with these headers. */
export interface ExportFile {
    contentType: string;
    filename: string;
    body: string;
}

export const EXPORT_COLUMNS = [
    'id',
    'kind',
    'sentAt',
    'event',
    'verdict',
    'status',
    'durationMs',
    'by',
    'source',
    'roomId',
    'url',
    'redeliveryOf',
    'signed',
    'secretsSent',
    'summary',
] as const;
type Row = { [column in (typeof EXPORT_COLUMNS)[number]]: string | number | boolean | null };

/** One row per item, in the listing's order; texts in English, as every REST answer. */
export function exportRow(item: HistoryItem): Row {
    if (item.kind === 'check') {
        return {
            id: item.id,
            kind: 'check',
            sentAt: item.sentAt,
            event: item.event,
            verdict: item.check.ready ? 'ready' : 'not-ready',
            status: null,
            durationMs: item.durationMs,
            by: item.by,
            source: 'check',
            roomId: null,
            url: item.url ?? null,
            redeliveryOf: null,
            signed: null,
            secretsSent: null,
            summary: render(item.summary, 'en'),
        };
    }
    return {
        id: item.id,
        kind: 'delivery',
        sentAt: item.sentAt ?? null,
        event: item.event,
        verdict: item.verdict,
        status: item.status ?? null,
        durationMs: item.durationMs ?? null,
        by: item.by,
        source: item.source.kind,
        // Withheld: the room id is emptied by the listing; say so rather than leave a blank.
        roomId: item.withheld ? 'withheld' : (roomOfSource(item.source) ?? null),
        url: item.url ?? null,
        redeliveryOf: item.redeliveryOf ?? null,
        signed: item.signed,
        secretsSent: item.secretsSent,
        summary: render(item.hint, 'en'),
    };
}

export function exportFile(items: Array<HistoryItem>, format: ExportFormat, now: Date): ExportFile {
    const rows = items.map(exportRow);
    const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (format === 'ndjson') {
        return {
            contentType: 'application/x-ndjson; charset=utf-8',
            filename: `webhook-deliveries-${stamp}.ndjson`,
            body: rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
        };
    }
    const lines = [EXPORT_COLUMNS.join(','), ...rows.map((row) => EXPORT_COLUMNS.map((column) => csvCell(row[column])).join(','))];
    // No byte order mark: the engine drops a string answer's leading U+FEFF on its way out (docs/engine-issues.md).
    return { contentType: 'text/csv; charset=utf-8', filename: `webhook-deliveries-${stamp}.csv`, body: `${lines.join('\r\n')}\r\n` };
}

/**
 * RFC 4180 quoting; a text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a
 * leading apostrophe: a receiver's words reach the summary, and a username or URL is the caller's.
 */
export function csvCell(value: string | number | boolean | null): string {
    if (value === null) {
        return '';
    }
    if (typeof value !== 'string') {
        return String(value);
    }
    const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}
