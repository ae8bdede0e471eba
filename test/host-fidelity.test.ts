// The local host must behave as Rocket.Chat's own bridges do, or the other tests prove the wrong
// thing. Each rule here is read from Rocket.Chat's source (apps/meteor/app/apps/server/bridges/
// persistence.ts and http.ts, packages/server-fetch/src/index.ts and checkForSsrf.ts).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { startHostileReceiver } from './host/hostileReceivers';
import { LoopbackHttp } from './host/loopbackHttp';
import { Receiver, startReceiver } from './host/receiver';
import { PersistenceStore } from './host/storage';
import { credentialsOf, startWorld, USERS, World } from './host/world';

const room = new RocketChatAssociationRecord(RocketChatAssociationModel.ROOM, 'room-1');
const user = new RocketChatAssociationRecord(RocketChatAssociationModel.USER, 'user-1');
const misc = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'misc-1');

describe("persistence, as Rocket.Chat's AppPersistenceBridge", () => {
    let store: PersistenceStore;

    beforeEach(() => {
        store = new PersistenceStore();
        store.latencyMs = 0;
    });

    it('reads and removes records holding ALL the given associations ($all), extra ones allowed', async () => {
        const writer = store.writer();
        await writer.createWithAssociations({ n: 1 }, [room, user]);
        await writer.createWithAssociations({ n: 2 }, [room]);
        await writer.createWithAssociations({ n: 3 }, [user, room, misc]);
        expect(await store.reader().readByAssociation(room)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(await store.reader().readByAssociations([room, user])).toEqual([{ n: 1 }, { n: 3 }]);
        expect(await store.reader().readByAssociations([misc, user])).toEqual([{ n: 3 }]);
    });

    it('removeByAssociations answers every match but deletes only one (deleteOne)', async () => {
        const writer = store.writer();
        await writer.createWithAssociation({ n: 1 }, room);
        await writer.createWithAssociation({ n: 2 }, room);
        expect(await writer.removeByAssociation(room)).toEqual([{ n: 1 }, { n: 2 }]);
        expect(await store.reader().readByAssociation(room)).toEqual([{ n: 2 }]);
    });

    it('updateByAssociations matches the association list EXACTLY, not a subset', async () => {
        const writer = store.writer();
        await writer.createWithAssociations({ n: 1 }, [room, user]);
        // [room] alone is not [room, user]: nothing matches, so the upsert inserts a second record.
        await writer.updateByAssociation(room, { n: 2 }, true);
        expect(await store.reader().readByAssociation(room)).toEqual([{ n: 1 }, { n: 2 }]);
        // Another order is another list too.
        await writer.updateByAssociations([user, room], { n: 3 }, true);
        expect(store.records.map((record) => record.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('updateByAssociations of an existing record applies the update, then rejects (upsertedId is null)', async () => {
        const writer = store.writer();
        await expect(writer.updateByAssociation(misc, { v: 1 }, true)).resolves.toMatch(/^record-/);
        await expect(writer.updateByAssociation(misc, { v: 2 }, true)).rejects.toThrow("Cannot read properties of null (reading 'toString')");
        expect(await store.reader().readByAssociation(misc)).toEqual([{ v: 2 }]);
        // Without upsert and without a match: nothing written, and the same rejection.
        await expect(writer.updateByAssociation(user, { v: 3 }, false)).rejects.toThrow(TypeError);
        expect(await store.reader().readByAssociation(user)).toEqual([]);
    });

    it('update(id) is not implemented; readById of an unknown id answers {}', async () => {
        const id = await store.writer().create({ n: 1 });
        await expect(store.writer().update(id, { n: 2 })).rejects.toThrow('Not implemented.');
        expect(await store.reader().read(id)).toEqual({ n: 1 });
        expect(await store.reader().read('nope')).toEqual({});
    });

    it('copies on the way in and out, as a database does', async () => {
        const data = { list: [1] };
        await store.writer().createWithAssociation(data, room);
        data.list.push(2);
        const [read] = (await store.reader().readByAssociation(room)) as Array<typeof data>;
        read.list.push(3);
        expect(await store.reader().readByAssociation(room)).toEqual([{ list: [1] }]);
    });
});

describe('the app on that persistence', () => {
    let world: World;

    beforeEach(async () => {
        world = await startWorld(LivechatWebhookTestApp);
        world.host.settings.set('tests_per_minute', 0);
    });

    afterEach(async () => {
        await world.close();
    });

    it('records every test although each update of the history record rejects after writing, and warns of nothing', async () => {
        for (let index = 0; index < 5; index++) {
            await world.testAs(USERS.admin);
        }
        const listed = await world.host.get('webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
        expect((listed.content as any).deliveries).toHaveLength(5);
        expect(world.host.logger.entries.filter((entry) => entry.severity === 'warning')).toEqual([]);
    });
});

describe("HTTP, as Rocket.Chat's HTTP bridge over server-fetch", () => {
    let target: Receiver;
    let http: LoopbackHttp;

    beforeEach(async () => {
        target = await startReceiver({}, '/moved');
        http = new LoopbackHttp();
        http.ssrfAllowlist = '127.0.0.1';
    });

    afterEach(async () => {
        await target.close();
    });

    it.each([301, 302, 303, 307, 308])(
        'follows a %i itself, re-sending the same method, body and headers to the next hop, across origins too',
        async (status) => {
            // server-fetch follows redirects in its own loop (redirect: 'manual') with the same options each
            // hop: unlike a browser's fetch, a 303 does not become a GET, and no header is dropped.
            const redirect = await startHostileReceiver('redirect-to', { redirectTo: target.url, redirectStatus: status });
            try {
                const response = await http.post(redirect.url, {
                    content: '{"a":1}',
                    headers: { 'Content-Type': 'application/json', 'X-RocketChat-Livechat-Token': 'tok' },
                    ssrfValidation: true,
                });
                expect(response.statusCode).toBe(200);
                expect(target.requests).toHaveLength(1);
                expect(target.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
                expect(target.requests[0].headers['x-rocketchat-livechat-token']).toBe('tok');
                // The answer names the URL asked for, not the one that answered: the app cannot see a redirect.
                expect(response.url).toBe(redirect.url);
            } finally {
                await redirect.close();
            }
        },
    );

    it('refuses a name that does not resolve under its SSRF check, even when allow-listed (no network error)', async () => {
        http.ssrfAllowlist = '127.0.0.1,crm.does-not-exist.invalid';
        await expect(http.post('http://crm.does-not-exist.invalid/hook', { content: '{}', ssrfValidation: true })).rejects.toThrow(
            'error-ssrf-validation-failed',
        );
        // Without the check (as real deliveries send) it is a DNS failure of the connection.
        await expect(http.post('http://crm.does-not-exist.invalid/hook', { content: '{}' })).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
    });
});

describe('what the app makes of a refused name', () => {
    let world: World;

    beforeEach(async () => {
        world = await startWorld(LivechatWebhookTestApp);
    });

    afterEach(async () => {
        await world.close();
    });

    it('names DNS first, then the private address, and does not only say "allow-list it"', async () => {
        world.host.settings.set('webhook_url', 'https://crm.does-not-exist.invalid/rocketchat');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        const { delivery, reason } = response.content as any;
        expect(delivery).toMatchObject({ verdict: 'refused', errorKind: 'ssrf' });
        expect(delivery.hint).toMatch(/crm\.does-not-exist\.invalid.*does not resolve.*check its spelling and DNS.*or it resolves to a private address/);
        expect(reason).toContain('it does not resolve, or resolves to a private address');
    });
});
