// `npm run bench:runtime`: the packaged app in the real Apps-Engine runtime (AppManager + Deno), beside
// a minimal reference app built here (one endpoint that builds the same sample and POSTs it once
// through IHttp), both in one AppManager, their calls interleaved, and the host round trips one warm
// test makes: with the workspace's version read, with an answer whose detail passes 8 KiB, and (in a
// runtime of its own) with a version the app cannot read. Then the same room test with an empty and
// with a full history. Prints figures against targets; it never fails a build (timings depend on the
// machine).
import * as fs from 'fs';
import * as path from 'path';

import AdmZip from 'adm-zip';
import * as ts from 'typescript';

import { BenchRun } from './benchReport';
import { journalFlatness, median, timed } from './benchMeasure';
import { closedConversation } from '../test/host/conversations';
import { APP_USER, GENERAL_ROOM, ROOT } from '../test/host/localHost';
import { Omnichannel } from '../test/host/omnichannel';
import { startPermissionHost } from '../test/host/permissionHost';
import { startReceiver } from '../test/host/receiver';
import { AUTH_TOKENS, credentialsOf, LOOPBACK, USERS } from '../test/host/world';
import { packagedZipPath } from '../test/host/zipLoader';
import { RuntimeHost } from '../test/runtime/runtimeHost';

const SAMPLES = 200;
const ROOM_SAMPLES = 60;
const WARM_UP = 30;
const TOKEN = 'bench-runtime-token';
const REFERENCE_ID = '5b0e7c2a-8f3d-4a61-9c7e-2d4f6a8b1c3e';

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const bench = new BenchRun('runtime', 'Livechat Webhook Test runtime benchmark (apps-engine 1.58.1 AppManager + Deno)', 'npm run bench:runtime');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The reference: what any app that sends the host's sample once through IHttp cannot do without. */
function buildReferenceZip(receiverUrl: string): string {
    const dir = path.join(ROOT, 'build', 'bench');
    fs.mkdirSync(dir, { recursive: true });
    const zip = new AdmZip();
    const info = {
        id: REFERENCE_ID,
        version: '1.0.0',
        requiredApiVersion: '^1.46.0',
        iconFile: 'icon.png',
        author: { name: 'Livechat Webhook Test team', support: 'benchmark fixture' },
        name: 'Webhook Test Reference',
        nameSlug: 'webhook-test-reference',
        classFile: 'ReferenceApp.ts',
        description: 'Benchmark reference: builds the host sample and POSTs it once.',
        implements: [],
    };
    const sample = ts.transpileModule(fs.readFileSync(path.join(ROOT, 'src', 'payloads', 'hostSample.ts'), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 },
    }).outputText;
    const app = `'use strict';
const { App } = require('@rocket.chat/apps-engine/definition/App');
const { ApiEndpoint, ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api');
const { buildSamplePayload } = require('./hostSample');
const URL_TO_TEST = ${JSON.stringify(receiverUrl)};
const TOKEN = ${JSON.stringify(TOKEN)};
class ReferenceEndpoint extends ApiEndpoint {
    constructor(app) { super(app); this.path = 'reference.test'; this.authRequired = true; }
    async post(request, endpoint, read, modify, http) {
        const response = await http.post(URL_TO_TEST, {
            content: JSON.stringify(buildSamplePayload(new Date())),
            headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-RocketChat-Livechat-Token': TOKEN },
            timeout: 5000,
            ssrfValidation: true,
        });
        const ok = response && response.statusCode === 200;
        return { status: ok ? 200 : 400, content: { success: ok } };
    }
}
class ReferenceApp extends App {
    constructor(info, logger, accessors) { super(info, logger, accessors); }
    async extendConfiguration(configuration) {
        await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: [new ReferenceEndpoint(this)] });
    }
}
exports.ReferenceApp = ReferenceApp;
`;
    zip.addFile('app.json', Buffer.from(JSON.stringify(info, null, 4)));
    zip.addFile('ReferenceApp.js', Buffer.from(app));
    zip.addFile('hostSample.js', Buffer.from(sample));
    zip.addFile('icon.png', fs.readFileSync(path.join(ROOT, 'icon.png')));
    const file = path.join(dir, 'webhook-test-reference.zip');
    zip.writeZip(file);
    return file;
}

function count(methods: Array<string>): string {
    const counts = new Map<string, number>();
    for (const method of methods) {
        counts.set(method, (counts.get(method) || 0) + 1);
    }
    return [...counts].map(([method, n]) => `${n} × ${method}`).join(', ') || 'none';
}

/** 50 response headers of 250 characters: the answer's detail passes 8 KiB. */
const LONG_HEADERS = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`x-trace-${index}`, 'h'.repeat(250)]));

interface Setup {
    host: RuntimeHost;
    receiver: Awaited<ReturnType<typeof startReceiver>>;
    referenceId: string;
    close(): Promise<void>;
}

/** The app and the reference in one runtime; `version`: what the workspace's /api/info tells (undefined: 404). */
async function setUp(version: string | undefined): Promise<Setup> {
    const receiver = await startReceiver({ status: 200 });
    const permissionHost = await startPermissionHost(AUTH_TOKENS);
    permissionHost.setVersion(version);
    const host = new RuntimeHost(APP_USER);
    host.serverSettings.set('Site_Url', permissionHost.siteUrl);
    host.serverSettings.set('Livechat_webhookUrl', '');
    host.http.ssrfAllowlist = LOOPBACK;
    await host.install(packagedZipPath());
    await host.setAppSetting('webhook_url', receiver.url);
    await host.setAppSetting('webhook_secret_token', TOKEN);
    await host.setAppSetting('allowed_private_hosts', LOOPBACK);
    await host.setAppSetting('tests_per_minute', 0);
    const referenceId = await host.add(buildReferenceZip(receiver.url));
    return {
        host,
        receiver,
        referenceId,
        close: async () => {
            await host.stop();
            await receiver.close();
            await permissionHost.close();
        },
    };
}

/** webhook.test against the reference, interleaved, then the host round trips of one warm test. */
async function compare({ host, receiver, referenceId }: Setup, label: string, samples: number): Promise<void> {
    const app = () => host.api('post', 'webhook.test', asAdmin);
    const reference = () => host.api('post', 'reference.test', asAdmin, referenceId);
    for (let index = 0; index < WARM_UP; index++) {
        await app();
        await reference();
    }
    const check = [await app(), await reference()];
    if (check[0].status !== 200 || check[1].status !== 200) {
        throw new Error(`warm-up calls did not answer 200: ${JSON.stringify(check)}`);
    }
    const appTimes: Array<number> = [];
    const referenceTimes: Array<number> = [];
    for (let index = 0; index < samples; index++) {
        // A pause after each call, so that the app's history write (sent after its answer) is done
        // before the next call and is not paid by the reference.
        appTimes.push(await timed(app));
        await sleep(3);
        referenceTimes.push(await timed(reference));
        await sleep(3);
        receiver.requests.length = 0;
    }
    const ratio = median(appTimes) / median(referenceTimes);
    bench.log(
        `${label}: webhook.test median ${median(appTimes).toFixed(2)} ms; reference.test median ${median(referenceTimes).toFixed(2)} ms (${samples} each, interleaved)`,
    );
    bench.report(`runtime webhook.test / reference, medians, ${label}`, ratio.toFixed(2), '<= 1.15', ratio <= 1.15);

    await sleep(50);
    const before = host.roundTrips().length;
    const referenceBefore = host.roundTrips(referenceId).length;
    await app();
    await reference();
    await sleep(50);
    const trips = host.roundTrips().slice(before);
    const besidesHttp = trips.filter((method) => !/getHttpBridge/.test(method)).length;
    bench.log(`   round trips of one warm webhook.test: ${count(trips)}`);
    bench.log(`   round trips of one reference.test:    ${count(host.roundTrips(referenceId).slice(referenceBefore))}`);
    bench.report(`round trips of a warm webhook.test besides the HTTP call, ${label}`, String(besidesHttp), '<= 1', besidesHttp <= 1);
}

/**
 * A channel's message (the engine asks the app's checkPostMessageSent: one call into the app, no
 * storage or settings call), an Omnichannel event (one journal write), and that event with a journal
 * of 10 and of 10 000 events.
 */
async function trafficFigures({ host, receiver }: Setup): Promise<void> {
    host.serverSettings.set('Livechat_webhookUrl', receiver.url);
    host.serverSettings.set('Livechat_webhook_on_visitor_message', true);
    const omnichannel = new Omnichannel(host);
    const room = await omnichannel.start('bench-traffic');
    const channel = (index: number) => ({ id: `chan-${index}`, room: GENERAL_ROOM, sender: USERS.plain, text: 'lunch?', createdAt: new Date() });
    for (let index = 0; index < 50; index++) {
        await host.fireEvent('IPostMessageSent', channel(index));
    }
    const trips = host.roundTrips().length;
    const times: Array<number> = [];
    for (let index = 0; index < 1000; index++) {
        times.push(await timed(() => host.fireEvent('IPostMessageSent', channel(index))));
    }
    const channelTrips = host.roundTrips().length - trips;
    bench.report('1 000 channel messages: storage and settings calls from the app', String(channelTrips), '0', channelTrips === 0);
    bench.report(
        'a channel message in the real runtime (the engine asking the app), median of 1 000',
        `${median(times).toFixed(3)} ms`,
        '< 1 ms',
        median(times) < 1,
    );

    const visitor = (index: number) => ({
        id: `omni-${index}-${Math.random().toString(36).slice(2)}`,
        room,
        sender: { id: 'visitor-ana', username: 'guest-77' },
        token: 'visitor-token-ana',
        text: 'hi',
        createdAt: new Date(),
    });
    await host.fireEvent('IPostMessageSent', visitor(-1));
    await sleep(50);
    const before = host.roundTrips().length;
    await host.fireEvent('IPostMessageSent', visitor(0));
    await sleep(50);
    const eventTrips = host.roundTrips().slice(before);
    bench.log(`   round trips of an Omnichannel event: ${count(eventTrips)}`);
    bench.report(
        'round trips of an Omnichannel event (its workspace settings read a moment before)',
        String(eventTrips.length),
        '1 write',
        eventTrips.length === 1,
    );

    const journal = await journalFlatness(host.store, (round) => host.fireEvent('IPostMessageSent', visitor(round)), 60);
    const ratio = journal.large / journal.small;
    bench.report(
        'an Omnichannel event with 10 000 journaled / with 10, medians of 60',
        `${ratio.toFixed(2)} (${journal.large.toFixed(2)} / ${journal.small.toFixed(2)} ms)`,
        '<= 1.10 (flat)',
        ratio <= 1.1,
    );
    host.serverSettings.set('Livechat_webhookUrl', '');
}

async function main(): Promise<void> {
    const known = await setUp('8.0.1');
    try {
        const { host, receiver } = known;
        // 1. The workspace's version read once; the receiver answers at once with a short answer.
        await compare(known, 'version known', SAMPLES);
        // 2. An answer with many long headers: its detail passes 8 KiB.
        receiver.behave({ status: 200, headers: LONG_HEADERS });
        await compare(known, 'an answer with 50 long headers', SAMPLES / 2);
        receiver.behave({ status: 200 });

        // 3. Real traffic through the engine's listener manager.
        await trafficFigures(known);

        // 3. A room test (the conversation's 100 messages, about 73 KB) with an empty and a full history.
        const conversation = closedConversation('bench-room', 98, (index) => `message ${index + 1}: ${'lorem ipsum dolor sit amet '.repeat(25)}`);
        host.rooms.addRoom(conversation.room, conversation.messages);
        host.rooms.addUser(conversation.agent);
        const roomTest = () => host.api('post', 'webhook.test', { ...asAdmin, content: { roomId: 'bench-room' } });
        const isHistory = (record: { associations: Array<{ id: string }> }) => record.associations.some((key) => /:delivery(-detail)?$/.test(key.id));
        const history = () => host.store.records.filter(isHistory);
        const setHistory = (records: Array<(typeof host.store.records)[number]>) => {
            for (let index = host.store.records.length - 1; index >= 0; index--) {
                if (isHistory(host.store.records[index])) {
                    host.store.records.splice(index, 1);
                }
            }
            host.store.records.push(...records.map((record) => ({ ...record })));
        };
        setHistory([]);
        for (let index = 0; index < 50; index++) {
            await roomTest();
        }
        await sleep(100);
        const full = history();
        const bodyBytes = receiver.requests[receiver.requests.length - 1].body.length;
        const emptyTimes: Array<number> = [];
        const fullTimes: Array<number> = [];
        for (let index = 0; index < ROOM_SAMPLES; index++) {
            // Interleaved: the host sets the history before each test (no app calls).
            await sleep(5);
            setHistory([]);
            emptyTimes.push(await timed(roomTest));
            await sleep(5);
            setHistory(full);
            fullTimes.push(await timed(roomTest));
            receiver.requests.length = 0;
        }
        const roomRatio = median(fullTimes) / median(emptyTimes);
        bench.log(
            `room test (${Math.round(bodyBytes / 1024)} KB payload): median ${median(emptyTimes).toFixed(2)} ms with an empty history, ` +
                `${median(fullTimes).toFixed(2)} ms with ${full.filter((record) => record.associations.some((key) => /:delivery$/.test(key.id))).length} room payloads kept (${ROOM_SAMPLES} each, interleaved)`,
        );
        bench.report('room test with a full history / with an empty one, medians', roomRatio.toFixed(2), '<= 1.05', roomRatio <= 1.05);
    } finally {
        await known.close();
    }
    // 4. A workspace whose version the app cannot read (/api/info absent): a runtime of its own, the version never read.
    const unknown = await setUp(undefined);
    try {
        await compare(unknown, 'version unknown (/api/info answers 404)', SAMPLES / 2);
    } finally {
        await unknown.close();
    }
    bench.finish();
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
