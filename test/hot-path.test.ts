// What a warm test costs in host round trips: settings are read once and kept until the engine
// reports a change (onSettingUpdated), server settings only when needed, the permission table once
// a minute, one persistence write, no read of the history.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { SETTINGS_CACHE_TTL_MS, SettingsCache } from '../src/settings/SettingsCache';
import { startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('a warm webhook.test', () => {
    it('reads no setting, no server setting, no history, and writes once, besides its one POST', async () => {
        await world.testAs(USERS.admin);
        await settle();
        const before = {
            settings: world.host.settings.reads,
            server: world.host.serverSettings.reads.length,
            store: world.host.store.calls,
            http: world.host.http.sent.length,
        };
        await world.testAs(USERS.admin);
        await settle();
        expect(world.host.settings.reads - before.settings).toBe(0);
        expect(world.host.serverSettings.reads.length - before.server).toBe(0);
        expect(world.host.store.calls - before.store).toBe(1);
        expect(world.host.http.sent.length - before.http).toBe(1);
    });

    it("reads the workspace's webhook URL only when the app's own is empty", async () => {
        await world.testAs(USERS.admin);
        world.host.settings.set('webhook_url', '');
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        const before = world.host.serverSettings.reads.length;
        await world.testAs(USERS.admin);
        expect(world.host.serverSettings.reads.slice(before)).toEqual(['Livechat_webhookUrl']);
    });

    it("sees a changed setting at once: the engine's onSettingUpdated drops the kept copy", async () => {
        await world.testAs(USERS.admin);
        world.host.settings.set('webhook_timeout_ms', 1234);
        await world.testAs(USERS.admin);
        const sent = world.host.http.sent.filter((request) => request.url === world.receiver.url);
        expect(sent.map((request) => request.options.timeout)).toEqual([5000, 1234]);
    });
});

describe('SettingsCache', () => {
    it('reads again after its safety expiry', async () => {
        let now = 0;
        let value = 'a';
        const reader = { getValueById: async (id: string) => (id === 'webhook_url' ? value : '') } as any;
        const cache = new SettingsCache(() => now);
        expect((await cache.get(reader)).webhookUrl).toBe('a');
        now += SETTINGS_CACHE_TTL_MS - 1;
        value = 'b';
        expect((await cache.get(reader)).webhookUrl).toBe('a');
        now += 1;
        expect((await cache.get(reader)).webhookUrl).toBe('b');
    });

    it('does not keep a read that raced with a change', async () => {
        let value = 'old';
        let open: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const reader = {
            getValueById: async (id: string) => {
                const seen = value;
                await gate;
                return id === 'webhook_url' ? seen : '';
            },
        } as any;
        const cache = new SettingsCache();
        const racing = cache.get(reader);
        cache.invalidate();
        value = 'new';
        open();
        expect((await racing).webhookUrl).toBe('old');
        expect((await cache.get(reader)).webhookUrl).toBe('new');
    });
});
