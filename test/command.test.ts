import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
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

async function slash(user: IUser, ...args: Array<string>): Promise<string> {
    const before = world.host.notifier.toUsers.length;
    await world.host.runCommand('livechat-webhook-test', user, args);
    const replies = world.host.notifier.toUsers.slice(before);
    expect(replies).toHaveLength(1);
    return replies[0].message.text as string;
}

describe('/livechat-webhook-test', () => {
    it('is registered with the host permission and no preview', () => {
        const command = world.host.command('livechat-webhook-test');
        expect(command.permission).toBe('view-livechat-webhooks');
        expect(command.providesPreview).toBe(false);
        expect(command.i18nDescription).toBe('command_description');
        expect(command.i18nParamsExample).toBe('command_params_example');
    });

    it('runs the test and replies privately with the receiver status and the duration', async () => {
        const text = await slash(USERS.admin);
        expect(text).toMatch(/answered 200 in \d+ ms/);
        expect(world.receiver.requests).toHaveLength(1);
        const [reply] = world.host.notifier.toUsers;
        expect(reply.to).toBe(USERS.admin);
        expect(reply.message.room).toBe(GENERAL_ROOM);
        expect(reply.message.sender.username).toBe('livechat-webhook-test.bot');
        expect(world.host.notifier.toRooms).toHaveLength(0);
    });

    it('names the reason and error-invalid-webhook-response when the receiver refuses', async () => {
        world.receiver.behave({ status: 204, body: '' });
        const text = await slash(USERS.admin);
        expect(text).toContain('error-invalid-webhook-response');
        expect(text).toContain('204');
        expect(text).toContain('only 200');
    });

    it('names the reason for a receiver that is down', async () => {
        world.host.settings.set('webhook_url', `http://127.0.0.1:${await closedPort()}/down`);
        const text = await slash(USERS.admin);
        expect(text).toContain('error-invalid-webhook-response');
        expect(text).toContain('Could not reach the receiver');
    });

    it('names Webhook_URL_not_set when no URL is configured', async () => {
        world.host.settings.set('webhook_url', '');
        const text = await slash(USERS.admin);
        expect(text).toContain('Webhook_URL_not_set');
        expect(text).toContain('webhook_url');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('names error-unauthorized, sending nothing, for a user without the permission', async () => {
        const text = await slash(USERS.plain);
        expect(text).toContain('error-unauthorized');
        expect(text).toContain('view-livechat-webhooks');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('decides with the table an earlier API call read, without asking the host (it has no credentials)', async () => {
        world.permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['crm-integrator'] }]);
        expect(await slash(USERS.integrator)).toContain('error-unauthorized');
        expect(await slash(USERS.manager)).toMatch(/answered 200/);
        expect(world.permissionHost.calls).toHaveLength(0);
    });

    it.each(['help', 'HELP'])('"%s" explains usage without sending anything', async (argument) => {
        const text = await slash(USERS.plain, argument);
        expect(text).toContain('/livechat-webhook-test');
        expect(text).toContain('help');
        expect(text).toContain('view-livechat-webhooks');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('answers an unknown argument (taken for an event) with the valid events and the usage, sending nothing', async () => {
        const text = await slash(USERS.admin, 'frobnicate');
        expect(text).toContain('Unknown event "frobnicate"');
        expect(text).toContain('LivechatOfflineMessage');
        expect(text).toContain('/livechat-webhook-test help');
        expect(world.receiver.requests).toHaveLength(0);
    });
});
