// Signed test deliveries, checked the way an independent receiver would: with the standardwebhooks package.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { credentialsOf, startWorld, USERS, World } from './host/world';

const BASE64_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RAW_SECRET = 'a raw signing secret, not base64!';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
});

afterEach(async () => {
    await world.close();
});

function signatureHeaders(index = 0): Record<string, string> {
    const headers = world.receiver.requests[index].headers;
    return {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
    };
}

describe('signed test deliveries (Standard Webhooks)', () => {
    it('signs with a whsec_ secret over the exact bytes sent; the receiver library verifies it', async () => {
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        const { body } = world.receiver.requests[0];
        const verified = new Webhook(BASE64_SECRET).verify(body, signatureHeaders()) as any;
        expect(verified.type).toBe('LivechatSession');
        const delivery = (response.content as any).delivery;
        expect(signatureHeaders()['webhook-id']).toBe(delivery.webhookId);
        expect(delivery.signed).toBe(true);
        expect(Math.abs(Number(signatureHeaders()['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    });

    it('signs with a raw secret, which the library verifies in its raw format', async () => {
        world.host.settings.set('webhook_signing_secret', RAW_SECRET);
        await world.testAs(USERS.admin);
        const webhook = new Webhook(new TextEncoder().encode(RAW_SECRET), { format: 'raw' });
        expect(() => webhook.verify(world.receiver.requests[0].body, signatureHeaders())).not.toThrow();
    });

    it('a changed byte or another secret fails verification (the check is real)', async () => {
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        await world.testAs(USERS.admin);
        const { body } = world.receiver.requests[0];
        expect(() => new Webhook(BASE64_SECRET).verify(body.replace('"title"', '"titlE"'), signatureHeaders())).toThrow();
        expect(() => new Webhook('whsec_' + Buffer.from('another secret').toString('base64')).verify(body, signatureHeaders())).toThrow();
    });

    it('signs every event and room payload, and keeps the webhook-id across redeliveries', async () => {
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        const first = await world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { event: 'Message' } });
        const original = (first.content as any).delivery;
        const again = await world.host.post('webhook.redeliver', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { id: original.id } });
        const redelivery = (again.content as any).delivery;
        expect(redelivery.webhookId).toBe(original.webhookId);
        expect(redelivery.id).not.toBe(original.id);
        for (const index of [0, 1]) {
            expect(() => new Webhook(BASE64_SECRET).verify(world.receiver.requests[index].body, signatureHeaders(index))).not.toThrow();
        }
        expect(signatureHeaders(1)['webhook-id']).toBe(signatureHeaders(0)['webhook-id']);
    });

    it('sends no signature headers without a secret', async () => {
        const response = await world.testAs(USERS.admin);
        const { headers } = world.receiver.requests[0];
        expect(headers['webhook-id']).toBeUndefined();
        expect(headers['webhook-signature']).toBeUndefined();
        expect((response.content as any).delivery.signed).toBe(false);
    });

    it('answers a clear setting error for a whsec_ secret that is not base64, sending nothing', async () => {
        world.host.settings.set('webhook_signing_secret', 'whsec_not*base64!');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect((response.content as any).reason).toContain('webhook_signing_secret');
        expect(JSON.stringify(response.content)).not.toContain('not*base64');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('never shows the secret: not in answers, replies, logs or the history', async () => {
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        world.receiver.behave({ status: 500, body: `echo ${BASE64_SECRET}` });
        const answers = [
            await world.testAs(USERS.admin),
            await world.host.get('webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) }),
        ];
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['history']);
        const secretBody = BASE64_SECRET.slice('whsec_'.length);
        const shown = [
            JSON.stringify(answers),
            world.host.logger.text(),
            JSON.stringify(world.host.notifier.toUsers),
            JSON.stringify(world.host.store.records),
        ].join('\n');
        expect(shown).not.toContain(secretBody);
    });
});

describe('a 401 from the receiver when signing is on', () => {
    const hintFor = async (body: string) => {
        world.receiver.behave({ status: 401, body, contentType: 'application/json' });
        return (await world.testAs(USERS.admin)).content.delivery.hint as string;
    };

    it('names both the token and the signature when the answer does not say which failed', async () => {
        world.host.settings.set('webhook_secret_token', 'both-token');
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        const hint = await hintFor('{"error":"unauthorized"}');
        expect(hint).toContain('Secret token');
        expect(hint).toContain('Signing secret');
        expect(hint).toContain('does not say which');
    });

    it.each([
        ['{"error":"invalid signature"}', 'Signing secret', 'Secret token'],
        ['{"error":"webhook-timestamp too old"}', 'Signing secret', 'Secret token'],
        ['{"error":"bad token"}', 'Secret token', 'Signing secret'],
    ])('names the one the answer names (%s)', async (body, named, other) => {
        world.host.settings.set('webhook_secret_token', 'both-token');
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        const hint = await hintFor(body);
        expect(hint).toContain(named);
        expect(hint).not.toContain(other);
    });

    it('names the signature alone when no token is set', async () => {
        world.host.settings.set('webhook_signing_secret', BASE64_SECRET);
        const hint = await hintFor('');
        expect(hint).toContain('Signing secret');
        expect(hint).not.toContain('make its secret token match');
    });

    it('names the token alone when signing is off', async () => {
        world.host.settings.set('webhook_secret_token', 'only-token');
        const hint = await hintFor('');
        expect(hint).toContain('make its secret token match');
        expect(hint).not.toContain('Signing secret');
    });
});
