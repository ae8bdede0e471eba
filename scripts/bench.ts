// `npm run bench`: one run over loopback with the app in the local host. Prints figures and how
// each compares with its target; it never fails a build (timings depend on the machine).
import { IHttpResponse, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { HISTORY_LIMIT } from '../src/history/DeliveryHistory';
import { buildDeliveryHeaders } from '../src/delivery/delivery';
import { buildSamplePayload } from '../src/payloads/hostSample';
import { BenchRun } from './benchReport';
import { journalFlatness, median, timed } from './benchMeasure';
import { closedConversation } from '../test/host/conversations';
import { startReceiver } from '../test/host/receiver';
import { GENERAL_ROOM } from '../test/host/localHost';
import { Omnichannel } from '../test/host/omnichannel';
import { AUTH_TOKENS, credentialsOf, startWorld, USERS } from '../test/host/world';

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const bench = new BenchRun('local', 'Livechat Webhook Test benchmark (local host)', 'npm run bench');

const SAMPLES = 300;
const WARM_UP = 30;
const CONCURRENT = 200;
const HEAP_RUNS = 2000;
/** A database or IPC round trip; setTimeout's floor is 1 ms (the runtime's measured IPC round trip is ~0.45 ms). */
const PERSISTENCE_LATENCY_MS = 1;

function gc(): void {
    const collect = (global as any).gc;
    if (typeof collect !== 'function') {
        throw new Error('run with node --expose-gc (npm run bench does)');
    }
    collect();
    collect();
}

async function main(): Promise<void> {
    const world = await startWorld(LivechatWebhookTestApp);
    const { host, receiver } = world;
    // First without the host's database costs (its round trip, its copying), to see the app alone;
    // then with them (1b), as on a real host.
    host.store.latencyMs = 0;
    host.store.copies = false;
    host.settings.set('webhook_secret_token', 'bench-token');
    host.settings.set('tests_per_minute', 0);
    try {
        // 1. The endpoint's `post`, called as the engine calls it, against a raw IHttp POST of the same
        //    payload to the same receiver with the same options (the host's SSRF check included).
        const body = JSON.stringify(buildSamplePayload(new Date()));
        const raw = (): Promise<IHttpResponse> =>
            host.http.post(receiver.url, { content: body, headers: buildDeliveryHeaders('bench-token'), timeout: 5000, ssrfValidation: true });
        const endpoint = host.endpoint('webhook.test');
        const [read, modify, persis] = [host.read(), host.modify(), host.persistence()];
        const request = {
            method: RequestMethod.POST,
            headers: { 'x-user-id': USERS.admin.id, 'x-auth-token': AUTH_TOKENS[USERS.admin.id] },
            query: {},
            params: {},
            content: {},
            user: USERS.admin,
        };
        const info = { basePath: '', fullPath: '', appId: host.info.id };
        const post = () => (endpoint.post as NonNullable<typeof endpoint.post>).call(endpoint, request, info, read, modify, host.http, persis);
        for (let index = 0; index < WARM_UP; index++) {
            await post();
            await raw();
        }
        const endpointTimes: Array<number> = [];
        const rawTimes: Array<number> = [];
        for (let index = 0; index < SAMPLES; index++) {
            // Interleaved, so both see the same machine load.
            endpointTimes.push(await timed(post));
            rawTimes.push(await timed(raw));
        }
        const ratio = median(endpointTimes) / median(rawTimes);
        const overheadMs = median(endpointTimes) - median(rawTimes);
        bench.log(
            `endpoint post: median ${median(endpointTimes).toFixed(3)} ms; raw IHttp POST: median ${median(rawTimes).toFixed(3)} ms (${SAMPLES} each, permission look-up cached)`,
        );
        bench.report('endpoint / raw POST, medians, receiver answering at once', `${ratio.toFixed(2)} (+${overheadMs.toFixed(3)} ms)`, '<= 1.10', ratio <= 1.1);

        // The app's own work alone: the same post with an IHttp that answers 200 at once, without a network.
        // (get stays the host's: the permission look-up goes through it; a spread would lose the class's methods.)
        const instant = {
            get: host.http.get.bind(host.http),
            post: async (url: string) => ({
                url,
                method: RequestMethod.POST,
                statusCode: 200,
                headers: { 'content-type': 'application/json' },
                content: '{"ok":true}',
                data: null,
            }),
        } as unknown as typeof host.http;
        const appOnly = () => (endpoint.post as NonNullable<typeof endpoint.post>).call(endpoint, request, info, read, modify, instant, persis);
        for (let index = 0; index < 1000; index++) {
            await appOnly();
        }
        const appRuns = 5000;
        const appMs = await timed(async () => {
            for (let index = 0; index < appRuns; index++) {
                await appOnly();
            }
        });
        bench.log(`the app's own work per test (an IHttp that answers at once, history and log included): ${((appMs * 1000) / appRuns).toFixed(1)} µs`);

        // The same against a receiver that takes 5 ms, closer to a CRM on the same network.
        receiver.behave({ status: 200, delayMs: 5 });
        const slowEndpoint: Array<number> = [];
        const slowRaw: Array<number> = [];
        for (let index = 0; index < SAMPLES / 3; index++) {
            slowEndpoint.push(await timed(post));
            slowRaw.push(await timed(raw));
        }
        receiver.behave({ status: 200 });
        const slowRatio = median(slowEndpoint) / median(slowRaw);
        bench.report(
            'endpoint / raw POST, medians, receiver answering in 5 ms',
            `${slowRatio.toFixed(2)} (${median(slowEndpoint).toFixed(2)} / ${median(slowRaw).toFixed(2)} ms)`,
            '<= 1.10',
            slowRatio <= 1.1,
        );

        // 1b. The same, with the persistence costs a real host has: every read and write copied (as a
        //     database or the runtime's IPC does) and a round trip per call; once with an empty history
        //     and once with a history full of 50 room payloads (about 73 KB each).
        host.store.latencyMs = PERSISTENCE_LATENCY_MS;
        host.store.copies = true;
        const conversation = closedConversation('bench-room', 98, (index) => `message ${index + 1}: ${'lorem ipsum dolor sit amet '.repeat(25)}`);
        host.rooms.addRoom(conversation.room, conversation.messages);
        host.rooms.addUser(conversation.agent);
        const deliveryRecords = () => host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:delivery'));
        const clearHistory = () => {
            for (let index = host.store.records.length - 1; index >= 0; index--) {
                if (host.store.records[index].associations.some((key) => /:delivery(-detail)?$|:delivery:|:record:/.test(key.id))) {
                    host.store.records.splice(index, 1);
                }
            }
        };
        const withStore = async (label: string, prepare: () => Promise<void>) => {
            await prepare();
            for (const delayMs of [0, 5]) {
                receiver.behave({ status: 200, delayMs });
                const appTimes: Array<number> = [];
                const rawPosts: Array<number> = [];
                for (let index = 0; index < (delayMs ? SAMPLES / 3 : SAMPLES / 2); index++) {
                    appTimes.push(await timed(post));
                    rawPosts.push(await timed(raw));
                }
                const r = median(appTimes) / median(rawPosts);
                bench.report(
                    `endpoint / raw POST, medians, persistence costs included (${PERSISTENCE_LATENCY_MS} ms a call, copies), ${label}, receiver answering ${delayMs ? `in ${delayMs} ms` : 'at once'}`,
                    `${r.toFixed(2)} (${median(appTimes).toFixed(3)} / ${median(rawPosts).toFixed(3)} ms)`,
                    '<= 1.10',
                    r <= 1.1,
                );
            }
            receiver.behave({ status: 200 });
        };
        await withStore('empty history', async () => {
            await new Promise((resolve) => setTimeout(resolve, 50));
            clearHistory();
        });
        const roomBytes: Array<number> = [];
        await withStore('history full of 50 room payloads', async () => {
            clearHistory();
            for (let index = 0; index < HISTORY_LIMIT; index++) {
                await host.post('webhook.test', { ...asAdmin, content: { roomId: 'bench-room' } });
                roomBytes.push(receiver.requests[receiver.requests.length - 1].body.length);
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
        });
        bench.log(
            `   (the full history: ${deliveryRecords().length} delivery records, room payloads of ${Math.round(median(roomBytes) / 1024)} KB; the store has ${host.store.records.length} records)`,
        );
        host.store.latencyMs = 0;
        host.store.copies = false;
        clearHistory();

        // 1c. The persistence calls of one warm test (its history write; the version and the table kept
        //     in memory): as usual, with an answer whose detail passes 8 KiB (50 long headers), and on a
        //     workspace whose version the app cannot read (/api/info answers 404).
        const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
        const storeCallsOfOneTest = async (w: typeof world) => {
            for (let index = 0; index < 3; index++) {
                await w.testAs(USERS.admin);
            }
            await settle();
            const callsBefore = w.host.store.calls;
            await w.testAs(USERS.admin);
            await settle();
            return w.host.store.calls - callsBefore;
        };
        const usual = await storeCallsOfOneTest(world);
        receiver.behave({ status: 200, headers: Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`x-trace-${index}`, 'h'.repeat(250)])) });
        const longHeaders = await storeCallsOfOneTest(world);
        receiver.behave({ status: 200 });
        const unknownWorld = await startWorld(LivechatWebhookTestApp);
        unknownWorld.permissionHost.setVersion(undefined);
        unknownWorld.host.settings.set('tests_per_minute', 0);
        const unknown = await storeCallsOfOneTest(unknownWorld).finally(() => unknownWorld.close());
        for (const [label, calls] of [
            ['as usual', usual],
            ['an answer with 50 long headers', longHeaders],
            ['version unknown (/api/info answers 404)', unknown],
        ] as Array<[string, number]>) {
            bench.report(`persistence calls of a warm test, ${label}`, String(calls), '<= 1', calls <= 1);
        }

        // 1d. Real traffic: a channel's message (the check answers no, with no I/O), an Omnichannel event
        //     (one journal write), and that write with a journal of 10 and of 10 000 events (flat).
        await trafficFigures(world);

        // 2. A receiver that never answers, with a 500 ms timeout.
        const hung = await startReceiver({ hang: true });
        host.settings.set('webhook_url', hung.url);
        host.settings.set('webhook_timeout_ms', 500);
        const hangTimes: Array<number> = [];
        for (let index = 0; index < 3; index++) {
            hangTimes.push(await timed(() => world.testAs(USERS.admin)));
        }
        await hung.close();
        host.settings.set('webhook_url', receiver.url);
        host.settings.set('webhook_timeout_ms', 5000);
        bench.report(
            'answer with a hung receiver, 500 ms timeout (worst of 3)',
            `${Math.max(...hangTimes).toFixed(0)} ms`,
            '<= 600 ms',
            Math.max(...hangTimes) <= 600,
        );

        // 3. Many tests at once: all answered, and the history holds the newest HISTORY_LIMIT of them.
        const before = receiver.requests.length;
        let answered = 0;
        const ids = new Set<string>();
        const burst = await timed(async () => {
            const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => world.testAs(USERS.admin)));
            for (const response of responses) {
                if (response.status === 200) {
                    answered++;
                    ids.add((response.content as any).delivery.id);
                }
            }
        });
        const history = (
            (
                await host.get('webhook.deliveries', {
                    user: USERS.admin,
                    headers: { 'X-User-Id': USERS.admin.id, 'X-Auth-Token': `auth-token-of-${USERS.admin.username}` },
                })
            ).content as any
        ).deliveries as Array<any>;
        const kept = history.filter((item) => ids.has(item.id)).length;
        const received = receiver.requests.length - before;
        bench.log(
            `${CONCURRENT} concurrent tests in ${burst.toFixed(0)} ms: ${answered} answered 200, receiver got ${received}, history keeps ${kept} of them`,
        );
        bench.report(
            `${CONCURRENT} concurrent tests`,
            `${answered} answered, ${kept}/${HISTORY_LIMIT} history slots filled by them`,
            `all answered, history full`,
            answered === CONCURRENT && received === CONCURRENT && kept === HISTORY_LIMIT,
        );

        // 4. Heap growth over many tests (the history's cap keeps the persisted record bounded too).
        receiver.requests.length = 0;
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        for (let index = 0; index < HEAP_RUNS; index++) {
            await world.testAs(USERS.admin);
            if (index % 100 === 99) {
                receiver.requests.length = 0;
                host.http.sent.length = 0;
                host.logger.entries.length = 0;
            }
        }
        receiver.requests.length = 0;
        host.http.sent.length = 0;
        host.logger.entries.length = 0;
        gc();
        const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
        bench.report(`heap growth over ${HEAP_RUNS} tests`, `${growthMb.toFixed(2)} MB`, '< 10 MB', growthMb < 10);
    } finally {
        await world.close();
    }
    bench.finish();
}

async function trafficFigures(world: Awaited<ReturnType<typeof startWorld>>): Promise<void> {
    const { host } = world;
    host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
    host.serverSettings.set('Livechat_webhook_on_visitor_message', true);
    const omnichannel = new Omnichannel(host);
    const room = await omnichannel.start('bench-traffic');
    const channelMessage = (index: number) => ({ id: `chan-${index}`, room: GENERAL_ROOM, sender: USERS.plain, text: 'lunch?', createdAt: new Date() });
    const before = { store: host.store.calls, settings: host.serverSettings.reads.length };
    const channelMs = await timed(async () => {
        for (let index = 0; index < 1000; index++) {
            await host.fireEvent('IPostMessageSent', channelMessage(index));
        }
    });
    const calls = host.store.calls - before.store + host.serverSettings.reads.length - before.settings;
    bench.report('1 000 channel messages: storage and settings calls', String(calls), '0', calls === 0);
    bench.report('a channel message, the local host (the check alone)', `${((channelMs * 1000) / 1000).toFixed(1)} µs`, '< 1 ms', channelMs / 1000 < 1);

    host.store.latencyMs = PERSISTENCE_LATENCY_MS;
    host.store.copies = true;
    const visitorMessage = (index: number) => ({
        id: `omni-${index}-${Math.random().toString(36).slice(2)}`,
        room,
        sender: { id: 'visitor-ana', username: 'guest-77' },
        token: 'visitor-token-ana',
        text: 'hi',
        createdAt: new Date(),
    });
    await host.fireEvent('IPostMessageSent', visitorMessage(-1));
    const callsBefore = host.store.calls;
    await host.fireEvent('IPostMessageSent', visitorMessage(0));
    bench.report(
        'storage calls of an Omnichannel event (its workspace settings read a moment before)',
        String(host.store.calls - callsBefore),
        '1 write',
        host.store.calls - callsBefore === 1,
    );

    const journal = await journalFlatness(host.store, (round) => host.fireEvent('IPostMessageSent', visitorMessage(round)), 40);
    const ratio = journal.large / journal.small;
    bench.report(
        'an Omnichannel event with 10 000 journaled / with 10, medians of 40',
        `${ratio.toFixed(2)} (${journal.large.toFixed(3)} / ${journal.small.toFixed(3)} ms)`,
        '<= 1.10 (flat)',
        ratio <= 1.1,
    );
    host.store.latencyMs = 0;
    host.store.copies = false;
    host.serverSettings.set('Livechat_webhookUrl', '');
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
