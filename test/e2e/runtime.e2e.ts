// The packaged zip installed into the engine's real runtime (apps-engine 1.58.1 AppManager, the app
// in a Deno subprocess), checked through the engine's own entry points against loopback servers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';

import { expectSample } from '../fixtures';
import { closedConversation } from '../host/conversations';
import { APP_USER, GENERAL_ROOM } from '../host/localHost';
import { PermissionHost, startPermissionHost } from '../host/permissionHost';
import { Receiver, startReceiver } from '../host/receiver';
import { AUTH_TOKENS, credentialsOf, LOOPBACK, USERS } from '../host/world';
import { packagedZipPath } from '../host/zipLoader';
import { RuntimeHost } from '../runtime/runtimeHost';

let host: RuntimeHost;
let receiver: Receiver;
let permissionHost: PermissionHost;

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const SIGNING_SECRET = 'whsec_ZTJlLXNpZ25pbmctc2VjcmV0LWZvci10aGUtcnVudGltZQ==';

beforeAll(async () => {
    receiver = await startReceiver();
    permissionHost = await startPermissionHost(AUTH_TOKENS);
    host = new RuntimeHost(APP_USER);
    host.serverSettings.set('Site_Url', permissionHost.siteUrl);
    host.serverSettings.set('Livechat_webhookUrl', '');
    host.http.ssrfAllowlist = LOOPBACK;
    await host.install(packagedZipPath());
    await host.setAppSetting('webhook_url', receiver.url);
    await host.setAppSetting('allowed_private_hosts', LOOPBACK);
    await host.setAppSetting('tests_per_minute', 0);
});

afterAll(async () => {
    await host?.stop();
    await receiver?.close();
    await permissionHost?.close();
});

describe('the app in the real Apps-Engine runtime', () => {
    it('is installed, enabled, and registers its endpoints and command', () => {
        expect(host.appId).toBe('35fb38d1-93f1-4abd-b58f-b14e01942ec7');
        expect(host.apis).toEqual(['webhook.test', 'webhook.events', 'webhook.deliveries', 'webhook.redeliver']);
        expect([...host.commands.keys()]).toEqual(['livechat-webhook-test']);
    });

    it('answers 200 for an admin after the receiver got exactly the host sample', async () => {
        const from = Date.now();
        const response = await host.api('post', 'webhook.test', asAdmin);
        const to = Date.now();
        expect(response.status).toBe(200);
        expect(response.content).toMatchObject({ success: true, receiverStatus: 200, delivery: { verdict: 'delivered', event: 'LivechatSession' } });
        expectSample(receiver.requests[receiver.requests.length - 1].body, from, to);
    });

    it('answers 400 for a receiver that answers 500, and reports a retry', async () => {
        receiver.behave({ status: 500 });
        const response = await host.api('post', 'webhook.test', asAdmin);
        receiver.behave({ status: 200 });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-webhook-response', delivery: { status: 500, verdict: 'retried' } });
    });

    it('answers 400 for a receiver that never answers, within the timeout', async () => {
        await host.setAppSetting('webhook_timeout_ms', 400);
        receiver.behave({ hang: true });
        const started = Date.now();
        const response = await host.api('post', 'webhook.test', asAdmin);
        const elapsed = Date.now() - started;
        receiver.behave({ status: 200 });
        await host.setAppSetting('webhook_timeout_ms', 5000);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ delivery: { errorKind: 'timeout' } });
        expect(elapsed).toBeGreaterThanOrEqual(390);
        expect(elapsed).toBeLessThan(400 + 500);
    });

    it('answers 403 for a plain user and 401 without a user, sending nothing', async () => {
        const before = receiver.requests.length;
        expect((await host.api('post', 'webhook.test', { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
        expect((await host.api('post', 'webhook.test', {})).status).toBe(401);
        expect(receiver.requests.length).toBe(before);
    });

    it('replies privately to the slash command, with blocks and a Send again button that works', async () => {
        const before = receiver.requests.length;
        await host.command(USERS.admin, GENERAL_ROOM, ['Message']);
        const reply = host.notifications[host.notifications.length - 1];
        expect(reply.to.id).toBe(USERS.admin.id);
        expect(reply.message.text).toContain('Delivered');
        const button = reply.message.blocks[3].elements[0];
        expect(button.value).toMatch(/^dlv_/);
        const clicked = await host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: button.actionId, value: button.value, blockId: button.blockId });
        expect(clicked).toMatchObject({ success: true });
        expect(receiver.requests.length).toBe(before + 2);
        expect(receiver.requests[before + 1].body).toBe(receiver.requests[before].body);
    });

    it('builds a payload from a room read through the room bridge', async () => {
        const conversation = closedConversation('e2e-room', 3);
        host.rooms.addRoom(conversation.room, conversation.messages);
        host.rooms.addUser(conversation.agent);
        const response = await host.api('post', 'webhook.test', { ...asAdmin, content: { roomId: 'e2e-room', event: 'LivechatSessionTaken' } });
        expect(response.status).toBe(200);
        const payload = JSON.parse(receiver.requests[receiver.requests.length - 1].body);
        expect(payload).toMatchObject({ _id: 'e2e-room', type: 'LivechatSessionTaken', agent: { username: 'jane.agent' }, servedBy: { username: 'jane.agent' } });
        expect(payload.messages.map((message: any) => message._id)).toEqual(['e2e-room-m1', 'e2e-room-m2', 'e2e-room-m3', 'e2e-room-close']);
    });

    it('keeps the history in the persistence bridge and redelivers from it', async () => {
        const listed = await host.api('get', 'webhook.deliveries', asAdmin);
        expect(listed.status).toBe(200);
        const [newest] = listed.content.deliveries;
        const again = await host.api('post', 'webhook.redeliver', { ...asAdmin, content: { id: newest.id } });
        expect(again.status).toBe(200);
        expect(again.content.delivery.redeliveryOf).toBe(newest.id);
        expect(host.store.records).toHaveLength(1);
    });

    it('lists the event types', async () => {
        const events = await host.api('get', 'webhook.events', asAdmin);
        expect(events.content.events).toHaveLength(9);
    });

    it('signs deliveries so that the standardwebhooks package verifies them', async () => {
        await host.setAppSetting('webhook_signing_secret', SIGNING_SECRET);
        await host.api('post', 'webhook.test', asAdmin);
        await host.setAppSetting('webhook_signing_secret', '');
        const last = receiver.requests[receiver.requests.length - 1];
        expect(() => new Webhook(SIGNING_SECRET).verify(last.body, last.headers as Record<string, string>)).not.toThrow();
    });

    it('refuses a metadata address and a rate-limited caller, sending nothing', async () => {
        const before = receiver.requests.length;
        const refused = await host.api('post', 'webhook.test', { ...asAdmin, content: { url: 'http://169.254.169.254/latest/meta-data/' } });
        expect(refused.status).toBe(400);
        expect(refused.content.error).toBe('error-ssrf-validation-failed');
        await host.setAppSetting('tests_per_minute', 1);
        await host.api('post', 'webhook.test', { user: USERS.manager, headers: credentialsOf(USERS.manager) });
        const limited = await host.api('post', 'webhook.test', { user: USERS.manager, headers: credentialsOf(USERS.manager) });
        await host.setAppSetting('tests_per_minute', 0);
        expect(limited.status).toBe(429);
        expect(limited.headers).toMatchObject({ 'Retry-After': expect.stringMatching(/^\d+$/) });
        expect(receiver.requests.length).toBe(before + 1);
    });

    it('writes the audit trail to the app log, without secrets, and called no bridge it lacks', () => {
        // The engine itself logs each API request, headers included, at debug level; the app's own lines are the rest.
        const appLines = host.logs.filter((entry) => entry.severity !== 'debug').map((entry) => entry.text);
        expect(appLines.join('\n')).toMatch(/Webhook test dlv_[0-9a-f]{12} by admin\.user \(admin\.user-id\): event LivechatSession, host 127\.0\.0\.1:\d+ -> 200 delivered in \d+ ms/);
        expect(appLines).toContain('Webhook test by plain.user (plain.user-id): refused 403 error-unauthorized');
        for (const secret of ['auth-token-of-', SIGNING_SECRET.slice(6), '/webhook']) {
            expect(appLines.join('\n')).not.toContain(secret);
        }
        // Note: the engine's own debug lines hold setting values (the signing secret too) and request headers; not the app's to change.
        expect(host.missing).toEqual([]);
    });
});
