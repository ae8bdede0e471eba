// The history as a file (`GET webhook.deliveries?format=csv|ndjson`) for a spreadsheet or a support
// ticket: the listing's rows and filters, nothing the JSON listing would not show.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { csvCell, EXPORT_COLUMNS, exportFile } from '../src/history/export';
import { closedConversation } from './host/conversations';
import { DEFAULT_PERMISSION_TABLE } from './host/permissionHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

const TOKEN = 'tok-Exp0rt-s3cret-value';
const SIGNING = 'whsec_ZXhwb3J0LXNpZ25pbmctc2VjcmV0LTEyMzQ1Ng==';

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_secret_token', TOKEN);
    world.host.settings.set('webhook_signing_secret', SIGNING);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const exported = (query: { [name: string]: string }, as = asAdmin) => world.host.get('webhook.deliveries', { ...as, query });

/** A CSV file as a spreadsheet reads it (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): Array<Array<string>> {
    const rows: Array<Array<string>> = [];
    let row: Array<string> = [];
    let cell = '';
    let quoted = false;
    for (let index = 0; index < text.length; index++) {
        const char = text[index];
        if (quoted) {
            if (char === '"' && text[index + 1] === '"') {
                cell += '"';
                index++;
            } else if (char === '"') {
                quoted = false;
            } else {
                cell += char;
            }
        } else if (char === '"') {
            quoted = true;
        } else if (char === ',') {
            row.push(cell);
            cell = '';
        } else if (char === '\r' && text[index + 1] === '\n') {
            row.push(cell);
            rows.push(row);
            row = [];
            cell = '';
            index++;
        } else {
            cell += char;
        }
    }
    return rows;
}

async function someHistory(): Promise<void> {
    await world.testAs(USERS.admin);
    world.receiver.behave({ status: 404, body: '=HYPERLINK("https://evil.example/","click"), "quoted"\nnext line' });
    await world.host.post('webhook.test', { ...asAdmin, content: { event: 'Message' } });
    world.receiver.behave({ status: 200 });
    const conversation = closedConversation('lc-export-1', 2);
    world.host.rooms.addRoom(conversation.room, conversation.messages);
    world.host.rooms.addUser(conversation.agent);
    await world.host.post('webhook.test', { ...asAdmin, content: { roomId: 'lc-export-1' } });
    await world.host.post('webhook.check', { ...asAdmin, content: { events: ['LivechatSession'] } });
}

describe('the history export', () => {
    it('gives a CSV file with a row per delivery and check, as the JSON listing orders them', async () => {
        await someHistory();
        const listing = ((await exported({})).content as any).deliveries as Array<any>;
        const response = await exported({ format: 'csv' });
        expect(response.status).toBe(200);
        expect(response.headers).toMatchObject({ 'Content-Type': 'text/csv; charset=utf-8' });
        expect(response.headers!['Content-Disposition']).toMatch(/^attachment; filename="webhook-deliveries-[\d-]+\.csv"$/);
        const [header, ...rows] = parseCsv(response.content as string);
        expect(header).toEqual([...EXPORT_COLUMNS]);
        const column = (row: Array<string>, name: (typeof EXPORT_COLUMNS)[number]) => row[EXPORT_COLUMNS.indexOf(name)];
        expect(rows.map((row) => column(row, 'id'))).toEqual(listing.map((item) => item.id));
        expect(rows.map((row) => column(row, 'kind'))).toEqual(['check', 'delivery', 'delivery', 'delivery']);
        expect(rows.map((row) => column(row, 'verdict'))).toEqual([expect.stringMatching(/^(ready|not-ready)$/), 'delivered', 'dropped', 'delivered']);
        expect(rows.map((row) => column(row, 'status'))).toEqual(['', '200', '404', '200']);
        expect(rows.map((row) => column(row, 'source'))).toEqual(['check', 'room', 'sample', 'sample']);
        expect(column(rows[1], 'roomId')).toBe('lc-export-1');
        expect(rows.every((row) => column(row, 'by') === 'admin.user' && /^\d+$/.test(column(row, 'durationMs')))).toBe(true);
        expect(column(rows[3], 'secretsSent')).toBe('true');
        expect(column(rows[3], 'signed')).toBe('true');
    });

    it('gives NDJSON: one JSON object a line, typed values', async () => {
        await someHistory();
        const response = await exported({ format: 'ndjson', source: 'sample' });
        expect(response.headers).toMatchObject({ 'Content-Type': 'application/x-ndjson; charset=utf-8' });
        const lines = (response.content as string).split('\n');
        expect(lines.pop()).toBe('');
        const rows = lines.map((line) => JSON.parse(line));
        expect(rows.map((row) => [row.kind, row.verdict, row.status, row.source])).toEqual([
            ['delivery', 'dropped', 404, 'sample'],
            ['delivery', 'delivered', 200, 'sample'],
        ]);
        expect(Object.keys(rows[0])).toEqual([...EXPORT_COLUMNS]);
        expect(rows[0].signed).toBe(true);
    });

    it('holds no secret and no receiver answer, and withholds a conversation the caller may not see', async () => {
        // Agents may use the app here, but see only the conversations they serve.
        world.permissionHost.setTable(
            DEFAULT_PERMISSION_TABLE.map((entry) => (entry._id === 'view-livechat-webhooks' ? { ...entry, roles: [...entry.roles, 'livechat-agent'] } : entry)),
        );
        await someHistory();
        for (const format of ['csv', 'ndjson']) {
            const body = (await exported({ format })).content as string;
            for (const secret of [TOKEN, SIGNING, 'evil.example', 'HYPERLINK']) {
                expect(body).not.toContain(secret);
            }
        }
        const asAgent = { user: USERS.agent, headers: credentialsOf(USERS.agent) };
        const rows = ((await exported({ format: 'ndjson', source: 'room' }, asAgent)).content as string)
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line));
        expect(rows.map((row) => row.roomId)).toEqual(['withheld']);
        expect((await exported({ format: 'csv' }, asAgent)).content).not.toContain('lc-export-1');
    });

    it('names a format it does not know, and refuses one with an id', async () => {
        for (const query of [{ format: 'xlsx' }, { format: 'csv', id: 'dlv_0123456789ab' }] as Array<{ [name: string]: string }>) {
            const response = await exported(query);
            expect(response.status).toBe(400);
            expect(response.content).toMatchObject({ success: false, error: 'error-invalid-params' });
        }
        expect(((await exported({ format: 'xlsx' })).content as any).reason).toContain('format');
        expect((await exported({ format: 'json' })).content).toMatchObject({ success: true, deliveries: [] });
        // json is the listing's own format: with an id too.
        expect((await exported({ format: 'json', id: 'dlv_0123456789ab' })).status).toBe(404);
    });

    it('follows the permission table like the listing', async () => {
        expect((await exported({ format: 'csv' }, { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
    });
});

describe('CSV cells', () => {
    it('quote what a spreadsheet would split and defuse what it would run', () => {
        expect(csvCell(null)).toBe('');
        expect(csvCell(404)).toBe('404');
        expect(csvCell(false)).toBe('false');
        expect(csvCell('plain text')).toBe('plain text');
        expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"');
        expect(csvCell('=1+2')).toBe("'=1+2");
        expect(csvCell('+1')).toBe("'+1");
        expect(csvCell('-1')).toBe("'-1");
        expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
        expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    });

    it('an empty history is a header alone, or an empty NDJSON file', () => {
        const now = new Date('2026-12-06T10:00:00Z');
        expect(exportFile([], 'csv', now)).toEqual({
            contentType: 'text/csv; charset=utf-8',
            filename: 'webhook-deliveries-2026-12-06-10-00-00.csv',
            body: `${EXPORT_COLUMNS.join(',')}\r\n`,
        });
        expect(exportFile([], 'ndjson', now).body).toBe('');
    });
});
