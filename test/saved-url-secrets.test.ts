// The workspace's secrets (the secret token, and signatures made with the signing secret) go only
// to the saved webhook URL. A caller who names another URL (body `url`, slash `url <…>`) gets a
// test without them, a report that says so, and a Send again that repeats that same test.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { GENERAL_ROOM } from './host/localHost';
import { Receiver, ReceivedRequest, startReceiver } from './host/receiver';
import { credentialsOf, startWorld, USERS, World } from './host/world';

const TOKEN = 'saved-url-only-token';
const SIGNING_SECRET = 'whsec_c2F2ZWQtdXJsLW9ubHktc2lnbmluZy1zZWNyZXQ=';
const WITHHELD = 'Sent without the secret token and unsigned: secrets go only to the saved webhook URL.';

let world: World;
/** A receiver the caller controls: it must learn nothing that lets it pose as Rocket.Chat. */
let theirs: Receiver;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    theirs = await startReceiver({}, '/collect');
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_secret_token', TOKEN);
    world.host.settings.set('webhook_signing_secret', SIGNING_SECRET);
});

afterEach(async () => {
    await world.close();
    await theirs.close();
});

const asManager = { user: USERS.manager, headers: credentialsOf(USERS.manager) };

/** Nothing in the request proves it came from this workspace. */
function expectNoSecrets(request: ReceivedRequest): void {
    expect(request.headers['x-rocketchat-livechat-token']).toBeUndefined();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        expect(request.headers[name]).toBeUndefined();
    }
    expect(JSON.stringify(request)).not.toContain(TOKEN);
    // Even with headers made up around it, no signature over the body verifies with the secret.
    const forged = {
        'webhook-id': 'x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': String(request.headers['webhook-signature'] ?? 'v1,'),
    };
    expect(() => new Webhook(SIGNING_SECRET).verify(request.body, forged)).toThrow();
}

function expectSecrets(request: ReceivedRequest): void {
    expect(request.headers['x-rocketchat-livechat-token']).toBe(TOKEN);
    expect(() => new Webhook(SIGNING_SECRET).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
}

describe('a test of another URL than the saved one', () => {
    it('is sent without the token and unsigned, and the report says so', async () => {
        const response = await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        expect(response.status).toBe(200);
        expect(theirs.requests).toHaveLength(1);
        expectNoSecrets(theirs.requests[0]);
        expect(response.content).toMatchObject({ urlSource: 'request', delivery: { secretsSent: false, signed: false, verdict: 'delivered' } });
        expect(response.content.delivery.hint).toContain(WITHHELD);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('leaves the saved URL its token and a signature that verifies', async () => {
        const response = await world.testAs(USERS.manager);
        expect(response.content.delivery).toMatchObject({ secretsSent: true, signed: true });
        expect(response.content.delivery.hint).not.toContain(WITHHELD);
        expectSecrets(world.receiver.requests[0]);
    });

    it.each([
        ['the same URL', (url: string) => url],
        [
            'the same URL, host in capitals and the default port spelled out',
            (url: string) => url.replace('127.0.0.1', '127.0.0.1').replace('http://', 'HTTP://'),
        ],
        ['the same URL with surrounding spaces', (url: string) => `  ${url} `],
    ])('counts %s as the saved URL: secrets sent', async (_name, spell) => {
        const response = await world.host.post('webhook.test', { ...asManager, content: { url: spell(world.receiver.url) } });
        expect(response.status).toBe(200);
        expectSecrets(world.receiver.requests[0]);
        expect(response.content.delivery.secretsSent).toBe(true);
    });

    it.each([
        ['another path', (url: string) => url.replace('/webhook', '/webhook2')],
        ['a query added', (url: string) => `${url}?x=1`],
        ['another port', (url: string) => url.replace(/:(\d+)\//, (_m, port) => `:${Number(port) + 1}/`)],
    ])('does not count %s as the saved URL', async (_name, spell) => {
        await world.host.post('webhook.test', { ...asManager, content: { url: spell(world.receiver.url) } });
        const sent = world.host.http.sent.filter((request) => request.options.content !== undefined);
        expect(sent).toHaveLength(1);
        expect(JSON.stringify(sent[0].options.headers)).not.toContain(TOKEN);
        expect(sent[0].options.headers?.['webhook-signature']).toBeUndefined();
    });

    it("compares with the workspace's webhook URL when the app's setting is empty", async () => {
        world.host.settings.set('webhook_url', '');
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        await world.host.post('webhook.test', { ...asManager, content: { url: world.receiver.url } });
        expectSecrets(world.receiver.requests[0]);
        await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        expectNoSecrets(theirs.requests[0]);
    });

    it('sends no secret when there is no saved URL at all', async () => {
        world.host.settings.set('webhook_url', '');
        await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        expectNoSecrets(theirs.requests[0]);
    });

    it('explains a 401 from it by the missing secrets, not by a wrong token', async () => {
        theirs.behave({ status: 401, body: '{"error":"missing token"}' });
        const response = await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        expect(response.content.delivery.hint).toContain('did not carry because secrets go only to the saved webhook URL');
        expect(response.content.delivery.hint).not.toContain('make its secret token match');
    });

    it('does not mask its answer: it got no secret, and masking would tell it which of its guesses is one', async () => {
        theirs.behave({ status: 200, body: `guesses: wrong-guess-1 ${TOKEN} wrong-guess-2`, contentType: 'text/plain' });
        const response = await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        expect(response.content.delivery.responseExcerpt).toBe(`guesses: wrong-guess-1 ${TOKEN} wrong-guess-2`);
    });

    it('answers 400 to "url": null rather than testing the saved URL', async () => {
        const response = await world.host.post('webhook.test', { ...asManager, content: { url: null } });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-params' });
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('redelivers to that same URL, again without secrets, never to the saved one', async () => {
        const first = await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url, event: 'Message' } });
        await new Promise((resolve) => setTimeout(resolve, 20));
        const again = await world.host.post('webhook.redeliver', { ...asManager, content: { id: first.content.delivery.id } });
        expect(again.status).toBe(200);
        expect(again.content).toMatchObject({
            urlSource: 'request',
            url: theirs.url,
            delivery: { redeliveryOf: first.content.delivery.id, secretsSent: false },
        });
        expect(theirs.requests).toHaveLength(2);
        expect(theirs.requests[1].body).toBe(theirs.requests[0].body);
        expectNoSecrets(theirs.requests[1]);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('keeps that URL in the history for the redelivery, but no secret', async () => {
        await world.host.post('webhook.test', { ...asManager, content: { url: theirs.url } });
        await new Promise((resolve) => setTimeout(resolve, 20));
        const stored = JSON.stringify(world.host.store.records);
        expect(stored).toContain(theirs.url);
        expect(stored).not.toContain(TOKEN);
        expect(stored).not.toContain(SIGNING_SECRET.slice(6));
    });
});

describe("the slash command's `url <…>`", () => {
    beforeEach(async () => {
        await world.primePermissionTable();
    });

    it('takes a link as Rocket.Chat formats it, <https://…|label>', async () => {
        await world.host.runCommand('livechat-webhook-test', USERS.manager, ['url', `<${theirs.url}|receiver>`]);
        expect(theirs.requests).toHaveLength(1);
        expect(theirs.requests[0].path).toBe('/collect');
    });

    it('sends without secrets, and its Send again repeats that same test: same URL, same event, no secrets', async () => {
        await world.host.runCommand('livechat-webhook-test', USERS.manager, ['url', `<${theirs.url}>`, 'LeadCapture']);
        const reply = world.host.notifier.toUsers[0].message;
        expect(reply.text).toContain(WITHHELD);
        expect(reply.text).toContain(new URL(theirs.url).host);
        expectNoSecrets(theirs.requests[0]);
        const button = (reply.blocks as Array<any>)[3].elements[0];
        await world.host.blockAction(USERS.manager, GENERAL_ROOM, { actionId: button.actionId, value: button.value, blockId: button.blockId });
        expect(theirs.requests).toHaveLength(2);
        expect(JSON.parse(theirs.requests[1].body).type).toBe('LeadCapture');
        expectNoSecrets(theirs.requests[1]);
        expect(world.receiver.requests).toHaveLength(0);
        const second = world.host.notifier.toUsers[1].message;
        // The reply to the click names the same host the first reply named.
        expect((second.blocks as Array<any>)[1].fields[3].text).toContain(new URL(theirs.url).host);
    });
});
