// view-livechat-webhooks, decided from the workspace's own permission table and failing closed:
// the live table (with the caller's credentials), else the last table read in 24 h (persisted, so
// any instance and calls without credentials use it), else the fallback roles only when the server
// could not be reached or answered 5xx / non-JSON; otherwise 503 and nothing is sent.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { GENERAL_ROOM, LocalHost } from './host/localHost';
import { closedConversation } from './host/conversations';
import { DEFAULT_PERMISSION_TABLE, PermissionHostFault } from './host/permissionHost';
import { closedPort } from './host/receiver';
import { AUTH_TOKENS, credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const ADMINS_ONLY = [{ _id: 'view-livechat-webhooks', roles: ['admin'] }];

/** The history and the stored table are written just after the answer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

async function slash(host: LocalHost, user = USERS.admin, ...args: Array<string>) {
    const before = host.notifier.toUsers.length;
    await host.runCommand('livechat-webhook-test', user, args);
    const replies = host.notifier.toUsers.slice(before);
    expect(replies).toHaveLength(1);
    return replies[0].message;
}

describe('permission view-livechat-webhooks, from the host table', () => {
    it('answers 401 without a user, sending nothing and asking nobody', async () => {
        const response = await world.testAs(undefined);
        expect(response.status).toBe(401);
        expect(response.content.success).toBe(false);
        expect(world.receiver.requests).toHaveLength(0);
        expect(world.permissionHost.calls).toHaveLength(0);
    });

    it('reads permissions.listAll at Site_Url with the caller credentials', async () => {
        await world.testAs(USERS.manager);
        expect(world.permissionHost.calls).toEqual([
            { path: '/api/v1/permissions.listAll', userId: USERS.manager.id, authToken: credentialsOf(USERS.manager)['X-Auth-Token'] },
        ]);
    });

    it.each(['admin', 'manager'] as const)('lets %s (a default role) run the test', async (name) => {
        const response = await world.testAs(USERS[name]);
        expect(response.status).toBe(200);
    });

    it.each(['plain', 'agent'] as const)('answers 403 error-unauthorized to %s, sending nothing', async (name) => {
        const response = await world.testAs(USERS[name]);
        expect(response.status).toBe(403);
        expect(response.content.success).toBe(false);
        expect(response.content.error).toContain('error-unauthorized');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('grants a custom role that the host table grants and the fallback would not', async () => {
        world.permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['admin', 'crm-integrator'] }]);
        const response = await world.testAs(USERS.integrator);
        expect(response.status).toBe(200);
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('denies a role the host table withholds even though the fallback would grant it', async () => {
        world.permissionHost.setTable(ADMINS_ONLY);
        const response = await world.testAs(USERS.manager);
        expect(response.status).toBe(403);
        expect(response.content.reason).toContain('admin');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('caches the host role set: a second test does not read the table again', async () => {
        await world.testAs(USERS.admin);
        await world.testAs(USERS.manager);
        expect(world.permissionHost.calls).toHaveLength(1);
        expect(world.receiver.requests).toHaveLength(2);
    });

    it('trims a trailing slash from Site_Url', async () => {
        world.host.serverSettings.set('Site_Url', `${world.permissionHost.siteUrl}//`);
        await world.testAs(USERS.admin);
        expect(world.permissionHost.calls[0].path).toBe('/api/v1/permissions.listAll');
    });
});

describe("the table decides for admins too (as Rocket.Chat's hasPermission: no admin bypass)", () => {
    const MANAGERS_ONLY = DEFAULT_PERMISSION_TABLE.map((entry) =>
        entry._id.startsWith('view-livechat-') ? { ...entry, roles: entry.roles.filter((role) => role !== 'admin') } : entry,
    );

    it('the live table grants only livechat-manager: the admin gets 403, the manager 200', async () => {
        world.permissionHost.setTable(MANAGERS_ONLY);
        const asAdmin = await world.testAs(USERS.admin);
        expect(asAdmin.status).toBe(403);
        expect(asAdmin.content).toMatchObject({ error: 'error-unauthorized' });
        expect((await world.testAs(USERS.manager)).status).toBe(200);
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('the cached and the stored table decide too: the slash command and a new instance refuse the admin', async () => {
        world.permissionHost.setTable(MANAGERS_ONLY);
        await world.testAs(USERS.manager);
        await settle();
        // Cached on this instance; the slash command carries no credentials.
        expect(String((await slash(world.host, USERS.admin)).text)).toContain('error-unauthorized');
        // Stored, on another instance.
        const other = await world.anotherInstance();
        expect(String((await slash(other, USERS.admin)).text)).toContain('error-unauthorized');
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('the fallback roles in force (ops, qa) leave the admin out', async () => {
        world.permissionHost.setFault('status-500');
        world.host.settings.set('permission_fallback_roles', 'ops, qa');
        expect((await world.testAs(USERS.admin)).status).toBe(403);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it("a table that grants the admin neither view-livechat-rooms nor the closed rooms' permission keeps a conversation's payload from them", async () => {
        const roomPermissions = ['view-livechat-rooms', 'view-livechat-room-closed-by-another-agent'];
        world.permissionHost.setTable(
            DEFAULT_PERMISSION_TABLE.map((entry) => (roomPermissions.includes(entry._id) ? { ...entry, roles: ['livechat-manager'] } : entry)),
        );
        const conversation = closedConversation('lc-admin-table');
        world.host.rooms.addRoom(conversation.room, conversation.messages);
        const asAdmin = await world.host.post('webhook.test', {
            user: USERS.admin,
            headers: credentialsOf(USERS.admin),
            content: { roomId: 'lc-admin-table' },
        });
        expect(asAdmin.status).toBe(404);
        const asManager = await world.host.post('webhook.test', {
            user: USERS.manager,
            headers: credentialsOf(USERS.manager),
            content: { roomId: 'lc-admin-table' },
        });
        expect(asManager.status).toBe(200);
    });

    it('with no table at all (nothing live, cached or stored, no fallback in force), an admin may go on: first use', async () => {
        expect(String((await slash(world.host, USERS.admin)).text)).toMatch(/^✅/);
        expect(world.permissionHost.calls).toHaveLength(0);
    });
});

describe('a look-up the workspace refuses never opens the fallback', () => {
    const refusals: Array<[string, PermissionHostFault, boolean]> = [
        ['429 (the REST rate limiter)', 'status-429', true],
        ['401', 'status-401', true],
        ['403', 'status-403', true],
        ['404 (Site_Url is not a Rocket.Chat server)', 'status-404', false],
        ['a table without the permission', 'not-listed', false],
    ];

    it.each(refusals)(
        '%s with no stored table: 503 for the manager the workspace took it from, nothing sent; an admin is let in all the same',
        async (_name, fault, retry) => {
            world.permissionHost.setTable(ADMINS_ONLY);
            world.permissionHost.setFault(fault);
            const response = await world.testAs(USERS.manager);
            expect(response.status).toBe(503);
            expect(response.content).toMatchObject({ success: false, error: 'error-permission-check-unavailable' });
            expect(response.content.reason).toContain('nothing was sent');
            expect(response.headers?.['Retry-After']).toBe(retry ? '60' : undefined);
            expect(world.receiver.requests).toHaveLength(0);
            expect(world.host.logger.text()).not.toContain('fallback roles');
            // An admin can grant themselves any permission: refusing them protects nothing.
            expect((await world.testAs(USERS.admin)).status).toBe(200);
        },
    );

    it('429 with a table stored by another instance: the stored table decides (the manager gets 403, the admin 200)', async () => {
        world.permissionHost.setTable(ADMINS_ONLY);
        expect((await world.testAs(USERS.admin)).status).toBe(200);
        await settle();
        const other = await world.anotherInstance();
        world.permissionHost.setFault('status-429');
        const asManager = await other.post('webhook.test', { user: USERS.manager, headers: credentialsOf(USERS.manager) });
        expect(asManager.status).toBe(403);
        const asAdmin = await other.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
        expect(asAdmin.status).toBe(200);
        expect(other.logger.text()).toMatch(/answered 429\); deciding with the table read \d+ min ago/);
    });

    it('Site_Url empty: 503 naming the setting, no fallback', async () => {
        world.host.serverSettings.set('Site_Url', '');
        const response = await world.testAs(USERS.manager);
        expect(response.status).toBe(503);
        expect(response.content.reason).toContain('Site_Url');
    });
});

describe('the fallback roles, only when the server could not be reached', () => {
    const outages: Array<[string, (w: World) => Promise<void> | void]> = [
        ['listAll answers 500', (w) => w.permissionHost.setFault('status-500')],
        ['a proxy answers 502 with an HTML page', (w) => w.permissionHost.setFault('status-502')],
        ['listAll answers 200 with something that is not JSON', (w) => w.permissionHost.setFault('bad-json')],
        ['Site_Url points at nothing', async (w) => w.host.serverSettings.set('Site_Url', `http://127.0.0.1:${await closedPort()}`)],
    ];

    it.each(outages)('%s and no table in 24 h: fallback roles decide, with a warning', async (_name, breakIt) => {
        await breakIt(world);
        expect((await world.testAs(USERS.manager)).status).toBe(200);
        expect((await world.testAs(USERS.plain)).status).toBe(403);
        const warnings = world.host.logger.entries.filter((entry) => entry.severity === 'warning');
        expect(warnings.length).toBeGreaterThanOrEqual(1);
        expect(String(warnings[0].args[0])).toContain('fallback roles');
    });

    it('an outage with a stored table: the table decides, not the fallback', async () => {
        world.permissionHost.setTable(ADMINS_ONLY);
        await world.testAs(USERS.admin);
        await settle();
        const other = await world.anotherInstance();
        world.permissionHost.setFault('status-500');
        expect((await other.post('webhook.test', { user: USERS.manager, headers: credentialsOf(USERS.manager) })).status).toBe(403);
    });

    it('follows a changed fallback setting', async () => {
        world.permissionHost.setFault('status-500');
        world.host.settings.set('permission_fallback_roles', ' crm-integrator , admin ');
        expect((await world.testAs(USERS.integrator)).status).toBe(200);
        expect((await world.testAs(USERS.manager)).status).toBe(403);
    });

    it('does not cache a failed look-up', async () => {
        world.permissionHost.setFault('status-500');
        await world.testAs(USERS.admin);
        world.permissionHost.setFault('none');
        world.permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['crm-integrator'] }]);
        expect((await world.testAs(USERS.integrator)).status).toBe(200);
        expect(world.permissionHost.calls).toHaveLength(2);
    });

    it('gives up on a host that never answers the look-up, within its 5 s limit', async () => {
        world.permissionHost.setFault('hang');
        const started = Date.now();
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(8000);
    }, 15000);
});

describe('calls without credentials (slash command, Send again) decide with the stored table', () => {
    it('a new instance over the same store decides a hand-made button click with the persisted table', async () => {
        world.permissionHost.setTable(ADMINS_ONLY);
        const tested = await world.testAs(USERS.admin);
        await settle();
        const id = tested.content.delivery.id;
        // Another server of the cluster, or the app after a restart: no memory cache, no credentials on the click.
        const other = await world.anotherInstance();
        await other.blockAction(USERS.manager, GENERAL_ROOM, { actionId: 'livechat-webhook-test.redeliver', value: id });
        const refused = other.notifier.toUsers[other.notifier.toUsers.length - 1];
        expect(refused.message.text).toContain('error-unauthorized');
        expect(world.receiver.requests).toHaveLength(1);
        await other.blockAction(USERS.admin, GENERAL_ROOM, { actionId: 'livechat-webhook-test.redeliver', value: id });
        expect(world.receiver.requests).toHaveLength(2);
        expect(world.permissionHost.calls).toHaveLength(1);
    });

    it('the slash command on an instance that has only the stored table', async () => {
        world.permissionHost.setTable(ADMINS_ONLY);
        await world.testAs(USERS.admin);
        await settle();
        const other = await world.anotherInstance();
        expect((await slash(other, USERS.manager)).text).toContain('error-unauthorized');
        expect((await slash(other, USERS.admin)).text).toContain('Delivered');
    });

    it('with no table read in 24 h and no permission reader: 503 saying what to do, never the fallback roles', async () => {
        const message = await slash(world.host, USERS.manager);
        expect(message.text).toContain('error-permission-check-unavailable');
        expect(message.text).toContain('permission_reader_token');
        expect(message.text).toContain('X-Auth-Token');
        await world.host.blockAction(USERS.manager, GENERAL_ROOM, { actionId: 'livechat-webhook-test.redeliver', value: 'dlv_000000000000' });
        expect(world.host.notifier.toUsers[1].message.text).toContain('error-permission-check-unavailable');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('the stored table holds the roles of the three permissions and the time only: no credential', async () => {
        await world.testAs(USERS.admin);
        await settle();
        const stored = world.host.store.records.find((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:permission-table'));
        expect(stored?.data).toEqual({
            grants: {
                'view-livechat-webhooks': ['livechat-manager', 'admin'],
                'view-livechat-rooms': ['livechat-manager', 'livechat-monitor', 'admin'],
                'view-livechat-room-closed-by-another-agent': ['livechat-manager', 'livechat-monitor', 'admin'],
            },
            fetchedAt: expect.any(Number),
        });
        expect(JSON.stringify(world.host.store.records)).not.toContain('auth-token-of-');
    });
});

describe('first use from the UI: no REST call needed', () => {
    it("an admin's first slash command and panel work on a fresh install, without any table", async () => {
        world.host.rooms.addRoom(GENERAL_ROOM);
        expect((await slash(world.host, USERS.admin)).text).toMatch(/^✅ Delivered/);
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['panel']);
        expect(world.host.surfaces[world.host.surfaces.length - 1]).toMatchObject({ kind: 'open', view: { id: 'livechat-webhook-test.panel' } });
        expect(world.permissionHost.calls).toHaveLength(0);
    });

    it('with the permission reader set, a manager uses the slash command and the panel: the table is read with the reader token, at Site_Url only', async () => {
        world.host.settings.set('permission_reader_user_id', USERS.plain.id);
        world.host.settings.set('permission_reader_token', AUTH_TOKENS[USERS.plain.id]);
        expect((await slash(world.host, USERS.manager)).text).toMatch(/^✅ Delivered/);
        expect(world.permissionHost.calls).toEqual([{ path: '/api/v1/permissions.listAll', userId: USERS.plain.id, authToken: AUTH_TOKENS[USERS.plain.id] }]);
        expect((await slash(world.host, USERS.agent)).text).toContain('error-unauthorized');
        // Never sent to the receiver, never logged, answered, or stored.
        expect(JSON.stringify(world.receiver.requests)).not.toContain(AUTH_TOKENS[USERS.plain.id]);
        await settle();
        expect(world.host.logger.text()).not.toContain(AUTH_TOKENS[USERS.plain.id]);
        expect(JSON.stringify(world.host.store.records)).not.toContain(AUTH_TOKENS[USERS.plain.id]);
        expect(JSON.stringify(world.host.notifier.toUsers)).not.toContain(AUTH_TOKENS[USERS.plain.id]);
    });

    it('a refused reader token says which settings to check, and never opens the fallback', async () => {
        world.host.settings.set('permission_reader_user_id', USERS.plain.id);
        world.host.settings.set('permission_reader_token', 'not-the-token');
        const message = await slash(world.host, USERS.manager);
        expect(message.text).toContain('error-permission-check-unavailable');
        expect(message.text).toContain('permission_reader_user_id');
        expect(message.text).not.toContain('not-the-token');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('a half-set reader (a user id without a token) reads nothing', async () => {
        world.host.settings.set('permission_reader_user_id', USERS.plain.id);
        const text = (await slash(world.host, USERS.manager)).text;
        expect(text).toContain('error-permission-check-unavailable');
        expect(text).toContain('only one of permission_reader_user_id and permission_reader_token is set');
        expect(world.permissionHost.calls).toHaveLength(0);
    });

    it('a reader token an HTTP header cannot carry is named as unusable, never shown', async () => {
        world.host.settings.set('permission_reader_user_id', USERS.plain.id);
        world.host.settings.set('permission_reader_token', 'auth-token\r\nX-Injected: 1');
        const text = (await slash(world.host, USERS.manager)).text;
        expect(text).toContain('permission_reader_token holds characters an HTTP header cannot carry');
        expect(text).not.toContain('X-Injected');
        expect(world.permissionHost.calls).toHaveLength(0);
    });

    it('30 concurrent calls share one look-up in flight', async () => {
        const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => world.testAs(index % 2 ? USERS.manager : USERS.plain)));
        expect(answers.map((answer) => answer.status).sort()).toEqual([...Array(15).fill(200), ...Array(15).fill(403)]);
        expect(world.permissionHost.calls).toHaveLength(1);
    });
});

describe("the server's version, read for the delivery rules", () => {
    it('a slash command before the first API test does not keep the API test from reading /api/info: a 204 on 7.5 is retried', async () => {
        world.permissionHost.setVersion('7.5.1');
        world.receiver.behave({ status: 204 });
        expect((await slash(world.host, USERS.admin)).text).toContain('(error-invalid-webhook-response)');
        expect(world.permissionHost.infoCalls).toHaveLength(0);
        const response = await world.testAs(USERS.admin);
        expect(world.permissionHost.infoCalls).toHaveLength(1);
        expect(response.content.delivery).toMatchObject({ status: 204, verdict: 'retried', rules: 'legacy' });
    });

    it('the permission reader reads it for a slash command', async () => {
        world.permissionHost.setVersion('7.5.1');
        world.receiver.behave({ status: 204 });
        world.host.settings.set('permission_reader_user_id', USERS.admin.id);
        world.host.settings.set('permission_reader_token', AUTH_TOKENS[USERS.admin.id]);
        expect((await slash(world.host, USERS.manager)).text).toMatch(/^🔁 Failed: Rocket.Chat would retry/);
        expect(world.permissionHost.infoCalls).toEqual([{ path: '/api/info', userId: USERS.admin.id, authToken: AUTH_TOKENS[USERS.admin.id] }]);
    });
});
