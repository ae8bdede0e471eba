// A ready-made local world for tests and the demo: the app loaded in the local host, a loopback
// webhook receiver, and a loopback stand-in for the host's permissions.listAll.
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { AppClass, LocalHost, makeUser } from './localHost';
import { PermissionHost, startPermissionHost } from './permissionHost';
import { Receiver, ReceiverBehaviour, startReceiver } from './receiver';

export const USERS = {
    admin: makeUser('admin.user', ['user', 'admin']),
    manager: makeUser('manager.user', ['user', 'livechat-manager']),
    agent: makeUser('agent.user', ['user', 'livechat-agent']),
    plain: makeUser('plain.user', ['user']),
    integrator: makeUser('crm.integrator', ['user', 'crm-integrator']),
};

export type UserName = keyof typeof USERS;

export const LOOPBACK = '127.0.0.1';

/** Each user's REST personal access token at the stand-in host. */
export const AUTH_TOKENS: { [userId: string]: string } = Object.fromEntries(Object.values(USERS).map((user) => [user.id, `auth-token-of-${user.username}`]));

export function credentialsOf(user: IUser): { [name: string]: string } {
    return { 'X-User-Id': user.id, 'X-Auth-Token': AUTH_TOKENS[user.id] };
}

export interface World {
    host: LocalHost;
    receiver: Receiver;
    permissionHost: PermissionHost;
    /** POST webhook.test as this user, with their credentials, the way Rocket.Chat passes them on. */
    testAs(user: IUser | undefined, headers?: { [name: string]: string }): ReturnType<LocalHost['post']>;
    /**
     * Another instance of the app over the same persistence, settings and rooms: a second server of
     * a cluster, or the app after its runtime restarted. Nothing of the app's memory is shared.
     */
    anotherInstance(): Promise<LocalHost>;
    /**
     * Has an endpoint read the workspace's permission table once (as an admin would by calling the
     * API), so that slash commands and buttons, which carry no credentials, find a stored table.
     */
    primePermissionTable(): Promise<void>;
    close(): Promise<void>;
}

export async function startWorld(AppCtor: AppClass, options: { receiver?: ReceiverBehaviour; echoLogs?: boolean } = {}): Promise<World> {
    const receiver = await startReceiver(options.receiver);
    const permissionHost = await startPermissionHost(AUTH_TOKENS);
    const host = await LocalHost.load(AppCtor, { echoLogs: options.echoLogs });
    host.serverSettings.set('Site_Url', permissionHost.siteUrl);
    host.serverSettings.set('Livechat_webhookUrl', '');
    host.settings.set('webhook_url', receiver.url);
    // Everything here runs on loopback: the app's policy and the host's SSRF check both have to allow it.
    host.settings.set('allowed_private_hosts', LOOPBACK);
    host.http.ssrfAllowlist = LOOPBACK;
    return {
        host,
        receiver,
        permissionHost,
        testAs: (user, headers) => host.post('webhook.test', { user, headers: headers ?? (user ? credentialsOf(user) : {}) }),
        primePermissionTable: async () => {
            await host.get('webhook.events', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
            // The table is stored just after the answer.
            await new Promise((resolve) => setTimeout(resolve, 20));
            permissionHost.calls.length = 0;
        },
        anotherInstance: async () => {
            const settings = Object.fromEntries(host.settings.provided().map((setting) => [setting.id, setting.value]));
            const other = await LocalHost.load(AppCtor, { echoLogs: options.echoLogs, store: host.store, settings, rooms: host.rooms });
            for (const id of ['Site_Url', 'Livechat_webhookUrl']) {
                other.serverSettings.set(id, await host.serverSettings.getValueById(id));
            }
            other.http.ssrfAllowlist = host.http.ssrfAllowlist;
            return other;
        },
        close: async () => {
            await Promise.all([receiver.close(), permissionHost.close()]);
        },
    };
}
