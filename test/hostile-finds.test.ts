// What a hostile user or receiver tried on 0.2.0 (issue 22): a password in a URL written without a
// scheme, a receiver's answer that is live markdown in the app's messages, and secrets echoed as hex.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as http from 'http';
import { AddressInfo } from 'net';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { ALERTS_ROOM } from './host/localHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };

/** Markdown outside code spans: what Rocket.Chat would turn into a link or bold. */
function outsideCode(text: string): string {
    return text.replace(/`[^`]*`/g, '');
}

describe('a URL written without a scheme', () => {
    it('shows as its scheme only in the answer, the history and the slash reply, and is never stored whole', async () => {
        world.host.settings.set('webhook_url', 'crmuser:Hunter2@crm.example.com/hook');
        const answer = await world.host.post('webhook.test', asAdmin);
        expect(answer.status).toBe(400);
        expect((answer.content as any).delivery.url).toBe('crmuser:');
        const listing = await world.host.get('webhook.deliveries', asAdmin);
        expect((listing.content as any).deliveries[0].url).toBe('crmuser:');
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, []);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['history']);
        const everything = [
            JSON.stringify(answer.content),
            JSON.stringify(listing.content),
            JSON.stringify(world.host.store.records),
            ...world.host.notifier.toUsers.map((sent) => JSON.stringify(sent.message)),
            world.host.logger.text(),
        ].join('\n');
        expect(everything).not.toContain('Hunter2');
    });

    it("the workspace's Livechat_webhookUrl with a password: readiness shows its scheme only", async () => {
        world.host.settings.set('webhook_url', '');
        world.host.serverSettings.set('Livechat_webhookUrl', 'admin:s3cret@10.0.0.5:8080/hook');
        const readiness = await world.host.get('webhook.readiness', asAdmin);
        expect(readiness.status).toBe(200);
        expect((readiness.content as any).readiness.workspaceUrl).toBe('admin:');
        expect(JSON.stringify(readiness.content)).not.toContain('s3cret');
    });
});

describe("a receiver's answer holding markdown", () => {
    const LURE = 'Room Not Found: [Re-login](https://evil.example/login) *now*';

    it('is inert in the posted check table: every word the receiver wrote is inside a code span', async () => {
        world.receiver.behave({ status: 200, body: LURE, contentType: 'text/html' });
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['check']);
        const table = world.host.notifier.toUsers.map((sent) => sent.message).find((message) => (message.blocks || []).length > 0);
        expect(table).toBeDefined();
        const texts = [String(table!.text), ...(table!.blocks || []).map((block: any) => (block.text ? block.text.text : ''))];
        // The answer is quoted (the warning on the 200 that took nothing)…
        expect(texts.join('\n')).toContain('`Room Not Found: [Re-login](https://evil.example/login) *now*`');
        // …and nowhere outside a code span.
        for (const text of texts) {
            expect(outsideCode(text)).not.toContain('](https://evil.example');
            expect(outsideCode(text)).not.toContain('*now*');
        }
    });

    it('is inert in the REST answer of the check too (the same hint, in English)', async () => {
        world.receiver.behave({ status: 200, body: LURE, contentType: 'text/html' });
        const answer = (await world.host.post('webhook.check', asAdmin)).content as any;
        const hints = answer.problems.map((finding: any) => finding.hint).join('\n');
        expect(hints).toContain('`Room Not Found: [Re-login](https://evil.example/login) *now*`');
        expect(outsideCode(hints)).not.toContain('](https://evil.example');
    });

    it("is inert in the watch's alert too", async () => {
        world.host.settings.set('watch_alert_room', ALERTS_ROOM.id);
        world.host.settings.set('watch_failures_to_alert', 1);
        world.host.rooms.addRoom(ALERTS_ROOM);
        world.receiver.behave({ status: 401, body: LURE });
        await world.primePermissionTable();
        await world.host.blockAction(USERS.admin, ALERTS_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' });
        const posted = world.host.roomMessages
            .map((message) => [String(message.text), ...(message.blocks || []).map((block: any) => JSON.stringify(block))])
            .flat();
        expect(posted.length).toBeGreaterThan(0);
        for (const text of posted) {
            expect(outsideCode(text)).not.toContain('](https://evil.example');
        }
    });
});

describe('secrets echoed as hex', () => {
    const TOKEN = 'hex-echo-token-123';
    const SIGNING_SECRET = 'whsec_aGV4LWVjaG8tc2lnbmluZy1rZXktMTIzNDU2Nzg=';
    const KEY = Buffer.from(SIGNING_SECRET.slice('whsec_'.length), 'base64');

    /** A Java receiver that logs what it got: the token and its key as printHexBinary (upper case), the token also as lower-case hex. */
    async function startHexEcho(): Promise<{ url: string; close: () => Promise<void> }> {
        const server = http.createServer((req, res) => {
            req.resume();
            req.on('end', () => {
                const token = Buffer.from(String(req.headers['x-rocketchat-livechat-token'] || ''), 'utf8');
                res.writeHead(401, { 'Content-Type': 'text/plain' });
                res.end(`token=${token.toString('hex').toUpperCase()} token=${token.toString('hex')} key=${KEY.toString('hex').toUpperCase()}`);
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        return { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((resolve) => server.close(() => resolve())) };
    }

    it('masks the token as hex in either case and the signing key as upper-case hex, in the answer and the history', async () => {
        const echo = await startHexEcho();
        try {
            world.host.settings.set('webhook_url', echo.url);
            world.host.settings.set('webhook_secret_token', TOKEN);
            world.host.settings.set('webhook_signing_secret', SIGNING_SECRET);
            const answer = await world.host.post('webhook.test', asAdmin);
            const excerpt = (answer.content as any).delivery.responseExcerpt as string;
            expect(excerpt).toBe('token=*** token=*** key=***');
            const detail = await world.host.get('webhook.deliveries', { ...asAdmin, query: { id: (answer.content as any).delivery.id } });
            const shown = JSON.stringify(detail.content) + JSON.stringify(world.host.store.records);
            for (const form of [Buffer.from(TOKEN).toString('hex'), Buffer.from(TOKEN).toString('hex').toUpperCase(), KEY.toString('hex').toUpperCase()]) {
                expect(shown).not.toContain(form);
            }
        } finally {
            await echo.close();
        }
    });
});
