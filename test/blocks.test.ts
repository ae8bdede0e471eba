// The slash command's block reply for each verdict, and its "Send again" button.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { REDELIVER_ACTION_ID } from '../src/commands/reply';
import { GENERAL_ROOM } from './host/localHost';
import { closedPort } from './host/receiver';
import { startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    // Slash commands and buttons carry no credentials: they decide with the table an API call stored.
    await world.primePermissionTable();
});

afterEach(async () => {
    await world.close();
});

async function reply(...args: Array<string>): Promise<{ text: string; blocks: Array<any> }> {
    const before = world.host.notifier.toUsers.length;
    await world.host.runCommand('livechat-webhook-test', USERS.admin, args);
    const message = world.host.notifier.toUsers[before].message;
    return { text: message.text as string, blocks: message.blocks as Array<any> };
}

function fields(blocks: Array<any>): { [label: string]: string } {
    return Object.fromEntries(
        blocks[1].fields.map((field: any) => field.text.split('\n')).map(([label, value]: Array<string>) => [label.replace(/\*/g, ''), value]),
    );
}

describe('the block reply', () => {
    it.each([
        ['delivered', { status: 200 }, '✅ Delivered', '200'],
        ['dropped', { status: 204, body: '' }, '⛔ Failed: Rocket.Chat would drop it', '204'],
        ['retried', { status: 503 }, '🔁 Failed: Rocket.Chat would retry', '503'],
    ])('shows a %s delivery: header, fields, hint and a Send again button', async (_verdict, behaviour, header, status) => {
        world.receiver.behave(behaviour);
        const { text, blocks } = await reply('Message');
        expect(blocks.map((block) => block.type)).toEqual(['section', 'section', 'context', 'actions']);
        expect(blocks[0].text).toEqual({ type: 'mrkdwn', text: `*${header}*` });
        const values = fields(blocks);
        expect(values).toMatchObject({ 'Status': status, 'Event': 'Message', 'URL host': `\`${new URL(world.receiver.url).host}\`` });
        expect(values.Time).toMatch(/^\d+ ms$/);
        expect(blocks[2].elements[0].text.length).toBeGreaterThan(10);
        const [button] = blocks[3].elements;
        expect(button).toMatchObject({
            type: 'button',
            actionId: REDELIVER_ACTION_ID,
            appId: world.host.info.id,
            text: { type: 'plain_text', text: 'Send again' },
        });
        expect(button.value).toMatch(/^dlv_/);
        // The plain-text fallback says the same.
        expect(text).toContain(header);
        expect(text).toContain(blocks[2].elements[0].text);
    });

    it('shows a receiver that is down as a connection error', async () => {
        world.host.settings.set('webhook_url', `http://127.0.0.1:${await closedPort()}/x`);
        const { blocks } = await reply();
        expect(blocks[0].text.text).toContain('would retry');
        expect(fields(blocks).Status).toBe('connection');
    });

    it('shows a missing URL as not sent, with a hint naming the setting', async () => {
        world.host.settings.set('webhook_url', '');
        const { blocks } = await reply();
        expect(blocks[0].text.text).toContain('Not sent');
        expect(fields(blocks)).toMatchObject({ 'Status': 'url-not-set', 'URL host': '-' });
        expect(blocks[2].elements[0].text).toContain('Webhook URL');
    });

    it('shows a URL the network policy refuses, with a hint naming the setting', async () => {
        world.host.settings.set('allowed_private_hosts', '');
        const { blocks, text } = await reply('url', 'http://10.1.2.3/hook');
        expect(blocks[0].text.text).toContain('Refused: nothing was sent');
        expect(fields(blocks)).toMatchObject({ 'Status': 'ssrf', 'URL host': '`10.1.2.3`' });
        expect(blocks[2].elements[0].text).toContain('allowed_private_hosts');
        expect(text).toContain('error-ssrf-validation-failed');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('sends plain text only for answers without a delivery', async () => {
        const { text, blocks } = await reply('NoSuchEvent');
        expect(blocks).toBeUndefined();
        expect(text).toContain('error-invalid-event');
    });
});

describe('the Send again button', () => {
    it('redelivers the same payload and replies privately to whoever clicked', async () => {
        const { blocks } = await reply('LeadCapture');
        const button = blocks[3].elements[0];
        const response = await world.host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: button.actionId, value: button.value, blockId: button.blockId });
        expect(response.success).toBe(true);
        expect(world.receiver.requests).toHaveLength(2);
        expect(world.receiver.requests[1].body).toBe(world.receiver.requests[0].body);
        const last = world.host.notifier.toUsers[world.host.notifier.toUsers.length - 1];
        expect(last.to).toBe(USERS.admin);
        expect(last.message.text).toContain(`redelivery of ${button.value}`);
        expect((last.message.blocks as Array<any>)[3].elements[0].value).not.toBe(button.value);
    });

    it('checks the permission of whoever clicks', async () => {
        const { blocks } = await reply();
        const button = blocks[3].elements[0];
        await world.host.blockAction(USERS.plain, GENERAL_ROOM, { actionId: button.actionId, value: button.value });
        expect(world.receiver.requests).toHaveLength(1);
        const last = world.host.notifier.toUsers[world.host.notifier.toUsers.length - 1];
        expect(last.to).toBe(USERS.plain);
        expect(last.message.text).toContain('error-unauthorized');
    });

    it('ignores actions that are not its own', async () => {
        const response = await world.host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: 'someone-else.action', value: 'x' });
        expect(response.success).toBe(false);
        expect(world.receiver.requests).toHaveLength(0);
    });
});
