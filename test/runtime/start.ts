// `npm start [-- --receiver <url>] [--serve] [--port <n>] [--tests-per-minute <n>]`: the packaged app
// in the engine's real runtime (AppManager + Deno), a loopback receiver (or yours), a stand-in for the
// server's permissions.listAll; runs tests as an admin and prints the reports. With --serve it keeps
// serving the app's endpoints on localhost, with Rocket.Chat's authentication, for curl, plus a small
// admin endpoint of this host's own (/_host/app-settings) to change the app's settings.
import * as path from 'path';

import { Webhook } from 'standardwebhooks';

import { closedConversation } from '../host/conversations';
import { Omnichannel } from '../host/omnichannel';
import { APP_USER, ALERTS_ROOM, GENERAL_ROOM, ROOT } from '../host/localHost';
import { startPermissionHost } from '../host/permissionHost';
import { ReceivedRequest, startReceiver } from '../host/receiver';
import { AUTH_TOKENS, credentialsOf, LOOPBACK, USERS } from '../host/world';
import { packagedZipPath } from '../host/zipLoader';
import { ApiResult, RuntimeHost } from './runtimeHost';
import { Served, serveApp } from './serve';
import { startCrm } from '../host/crm';

const DEMO_TOKEN = 'demo-secret-token';
/** Omnichannel → Webhooks, every "Send request on …" switch. */
const WEBHOOK_FLAGS = [
    'Livechat_webhook_on_start',
    'Livechat_webhook_on_close',
    'Livechat_webhook_on_chat_taken',
    'Livechat_webhook_on_chat_queued',
    'Livechat_webhook_on_forward',
    'Livechat_webhook_on_offline_msg',
    'Livechat_webhook_on_visitor_message',
    'Livechat_webhook_on_agent_message',
    'Livechat_webhook_on_capture',
];
const DEMO_SIGNING_SECRET = 'whsec_ZGVtby1zaWduaW5nLXNlY3JldC0xMjM0NTY=';

interface Options {
    receiver?: string;
    serve: boolean;
    port: number;
    /** While serving: the app's tests_per_minute (the demo itself runs with the limit off). */
    testsPerMinute: number;
}

const USAGE = 'npm start [-- --receiver <url>] [--serve] [--port <n>] [--tests-per-minute <n>]';

function parseOptions(argv: Array<string>): Options {
    const options: Options = { serve: false, port: 3100, testsPerMinute: 10 };
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index];
        if (arg === '--serve') {
            options.serve = true;
        } else if (arg === '--receiver' && argv[index + 1]) {
            options.receiver = argv[++index];
        } else if (arg === '--port' && argv[index + 1]) {
            options.port = Number(argv[++index]);
        } else if (arg === '--tests-per-minute' && argv[index + 1]) {
            options.testsPerMinute = Number(argv[++index]);
            if (!Number.isInteger(options.testsPerMinute) || options.testsPerMinute < 0) {
                throw new Error('--tests-per-minute takes a whole number (0 turns the limit off)');
            }
        } else if (arg === '--help' || arg === '-h') {
            console.log(USAGE);
            process.exit(0);
        } else {
            throw new Error(`Unknown argument ${arg}; try npm start -- --help`);
        }
    }
    return options;
}

/** Terminal colour codes (the engine's and Deno's lines among what is printed). */
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Piped or written to a file, the output holds no colour codes: what a colour-blind pipe would show as raw escapes. */
function plainWhenPiped(): void {
    for (const stream of [process.stdout, process.stderr]) {
        if (stream.isTTY) {
            continue;
        }
        process.env.NO_COLOR = '1';
        const write = stream.write.bind(stream) as (chunk: unknown, ...rest: Array<unknown>) => boolean;
        stream.write = ((chunk: unknown, ...rest: Array<unknown>) =>
            write(typeof chunk === 'string' ? chunk.replace(ANSI, '') : chunk, ...rest)) as typeof stream.write;
    }
}

async function main(): Promise<void> {
    plainWhenPiped();
    const options = parseOptions(process.argv.slice(2));
    const ownReceiver = options.receiver ? undefined : await startReceiver({ status: 200, body: '{"crmId":"lead-42"}' });
    const receiverUrl = options.receiver || (ownReceiver as { url: string }).url;
    const permissionHost = await startPermissionHost(AUTH_TOKENS);
    const host = new RuntimeHost(APP_USER);
    host.serverSettings.set('Site_Url', permissionHost.siteUrl);
    host.serverSettings.set('Livechat_webhookUrl', '');
    // Loopback (and your receiver's host) is private: both the app's policy and the host's SSRF check must allow it.
    const receiverHost = new URL(receiverUrl).hostname;
    const allowed = [...new Set([LOOPBACK, receiverHost])].join(',');
    host.http.ssrfAllowlist = allowed;
    let served: Served | undefined;
    const extras: Array<{ close(): Promise<void> }> = [];

    const stop = async () => {
        await served?.close();
        for (const extra of extras) {
            await extra.close();
        }
        await host.stop();
        await ownReceiver?.close();
        await permissionHost.close();
    };

    try {
        const zipPath = packagedZipPath();
        console.log('Livechat Webhook Test: the packaged app in the Apps-Engine runtime');
        console.log(`  app       ${path.relative(ROOT, zipPath)}, installed by apps-engine 1.58.1's AppManager, running in a Deno subprocess`);
        await host.install(zipPath);
        console.log(
            `  runtime   engine loaded in ${host.timings.loadMs} ms; zip installed (parsed, Deno subprocess started, app enabled) in ${host.timings.installMs} ms`,
        );
        console.log(`  receiver  ${receiverUrl}${ownReceiver ? ' (a real HTTP server on loopback)' : ' (yours)'}`);
        console.log(`  host API  ${permissionHost.siteUrl.replace(/\/$/, '')}/api/v1/permissions.listAll (stand-in for the Rocket.Chat server)`);
        await host.setAppSetting('webhook_url', receiverUrl);
        await host.setAppSetting('webhook_secret_token', DEMO_TOKEN);
        await host.setAppSetting('allowed_private_hosts', allowed);
        // The demo runs more than the default 10 tests a minute.
        await host.setAppSetting('tests_per_minute', 0);
        console.log(`  settings  webhook_url=${receiverUrl}  webhook_secret_token=(set)  allowed_private_hosts=${allowed}  tests_per_minute=0`);

        const endpointPath = `/api/apps/public/${host.appId}/webhook.test`;
        console.log(`\n1. POST ${endpointPath} as ${USERS.admin.username} (roles: ${USERS.admin.roles.join(', ')})`);
        const first = await timed(() => host.api('post', 'webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin) }));
        printResult(first.result);
        const later: Array<number> = [];
        for (let index = 0; index < 5; index++) {
            later.push((await timed(() => host.api('post', 'webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin) }))).ms);
        }
        console.log(`   first call ${first.ms.toFixed(1)} ms (permission look-up included); the next 5: ${later.map((ms) => ms.toFixed(1)).join(', ')} ms`);
        if (ownReceiver) {
            console.log('\n   The receiver got:');
            printRequest(ownReceiver.requests[0]);
        }

        console.log(`\n2. A real conversation as the payload: {"roomId": "demo-room", "event": "LivechatSessionTaken"}`);
        const conversation = closedConversation('demo-room', 3);
        host.rooms.addRoom(conversation.room, conversation.messages);
        host.rooms.addUser(conversation.agent);
        printResult(
            await host.api('post', 'webhook.test', {
                user: USERS.admin,
                headers: credentialsOf(USERS.admin),
                content: { roomId: 'demo-room', event: 'LivechatSessionTaken' },
            }),
        );

        console.log(`\n3. As ${USERS.plain.username} (roles: ${USERS.plain.roles.join(', ')}), and with no user`);
        printResult(await host.api('post', 'webhook.test', { user: USERS.plain, headers: credentialsOf(USERS.plain) }));
        printResult(await host.api('post', 'webhook.test', {}));

        console.log(`\n4. /livechat-webhook-test typed by ${USERS.admin.username}: the private reply (text fallback of the block message)`);
        await host.command(USERS.admin, GENERAL_ROOM, []);
        const reply = host.notifications[host.notifications.length - 1];
        console.log(String(reply.message.text).replace(/^/gm, '   '));
        const button = reply.message.blocks[3].elements[0];
        console.log(`   blocks: ${reply.message.blocks.map((block: { type: string }) => block.type).join(', ')}; clicking "Send again" (${button.value}):`);
        await host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: button.actionId, value: button.value, blockId: button.blockId });
        console.log(`   ${String(host.notifications[host.notifications.length - 1].message.text).split('\n')[0]}`);

        console.log('\n5. A signed delivery (webhook_signing_secret set), and a cloud metadata URL');
        await host.setAppSetting('webhook_signing_secret', DEMO_SIGNING_SECRET);
        await host.api('post', 'webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
        if (ownReceiver) {
            const signed = ownReceiver.requests[ownReceiver.requests.length - 1];
            new Webhook(DEMO_SIGNING_SECRET).verify(signed.body, signed.headers as Record<string, string>);
            console.log(`   webhook-signature: ${signed.headers['webhook-signature']} → verified with the standardwebhooks package`);
        }
        await host.setAppSetting('webhook_signing_secret', '');
        printResult(
            await host.api('post', 'webhook.test', {
                user: USERS.admin,
                headers: credentialsOf(USERS.admin),
                content: { url: 'http://169.254.169.254/latest/meta-data/' },
            }),
        );

        if (ownReceiver) {
            console.log('\n6. A URL that is not the saved one ({"url": ...}): sent without the secret token and unsigned');
            const theirs = await startReceiver({ status: 200 }, '/elsewhere');
            try {
                await host.setAppSetting('webhook_signing_secret', DEMO_SIGNING_SECRET);
                const other = await host.api('post', 'webhook.test', {
                    user: USERS.manager,
                    headers: credentialsOf(USERS.manager),
                    content: { url: theirs.url },
                });
                await host.setAppSetting('webhook_signing_secret', '');
                const got = theirs.requests[0];
                console.log(
                    `   ${USERS.manager.username} → HTTP ${other.status}, secretsSent: ${other.content.delivery.secretsSent}; hint: ${other.content.delivery.hint}`,
                );
                console.log(
                    `   that receiver got: token header ${got.headers['x-rocketchat-livechat-token'] === undefined ? 'absent' : 'PRESENT'}, signature ${got.headers['webhook-signature'] === undefined ? 'absent' : 'PRESENT'}`,
                );
            } finally {
                await theirs.close();
            }
        }

        if (ownReceiver) {
            console.log('\n7. The health watch: every 5 min (runs fired here by the host, as Agenda would), alerts in #webhook-alerts after 3 failures');
            host.rooms.addRoom(ALERTS_ROOM);
            await host.setAppSetting('watch_alert_room', 'webhook-alerts');
            await host.setAppSetting('watch_interval_minutes', 5);
            const job = [...host.scheduler.jobs.values()][0];
            console.log(`   scheduled: ${job ? `${job.name} every ${job.interval}` : 'nothing'}`);
            const posted = host.roomMessages.length;
            const runs: Array<string> = [];
            const fire = async (status: number) => {
                ownReceiver.behave({ status, body: status === 200 ? '{"crmId":"lead-42"}' : 'maintenance' });
                const started = Date.now();
                await host.fireJob('webhook-watch');
                runs.push(`${status} (${Date.now() - started} ms)`);
            };
            for (const status of [200, 503, 503, 503, 503, 200]) {
                await fire(status);
            }
            console.log(`   runs: receiver answered ${runs.join(', ')}`);
            for (const message of host.roomMessages.slice(posted)) {
                console.log(`   posted in #webhook-alerts by ${message.sender?.username}:\n${String(message.text).replace(/^/gm, '      ')}`);
            }
            const watch = await host.api('get', 'webhook.watch', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
            console.log(`   GET webhook.watch → state ${watch.content.state}, uptime ${JSON.stringify(watch.content.uptime)}`);
            await host.setAppSetting('watch_interval_minutes', 0);
            ownReceiver.behave({ status: 200, body: '{"crmId":"lead-42"}' });
        }

        const history = await host.api('get', 'webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
        const shown = Math.min(6, history.content.deliveries.length);
        console.log(`\n8. GET webhook.deliveries: the newest ${shown} of ${history.content.deliveries.length} recorded`);
        for (const item of history.content.deliveries.slice(0, shown)) {
            const again = item.redeliveryOf ? ` (again ${item.redeliveryOf})` : '';
            console.log(`   ${item.id}  ${item.event.padEnd(22)} ${String(item.status ?? '-').padEnd(4)} ${item.verdict.padEnd(9)} by ${item.by}${again}`);
        }

        console.log('\n9. Workspace readiness (GET webhook.readiness, slash `readiness`): what Rocket.Chat itself will send, with its');
        console.log('   Omnichannel → Webhooks set here as an admin would: this URL, "Send request on chat close" and "on visitor message"');
        host.serverSettings.set('Livechat_webhookUrl', receiverUrl);
        host.serverSettings.set('Livechat_webhook_on_close', true);
        host.serverSettings.set('Livechat_webhook_on_visitor_message', true);
        const before = host.notifications.length;
        await host.command(USERS.admin, GENERAL_ROOM, ['readiness']);
        const readinessReply = host.notifications[before];
        console.log(String(readinessReply ? readinessReply.message.text : '(no reply)').replace(/^/gm, '   '));

        if (ownReceiver) {
            console.log("\n10. Real traffic: a conversation, as Rocket.Chat tells the app of it (the engine's Omnichannel events), and what");
            console.log('    Rocket.Chat sent the CRM of it with the switches above (slash `traffic`)');
            const omnichannel = new Omnichannel(host);
            await omnichannel.start('demo-traffic');
            await omnichannel.take('demo-traffic');
            await omnichannel.visitorSays('demo-traffic', 'Hi, my order A-1001 has not arrived');
            await omnichannel.agentSays('demo-traffic', 'Let me check that for you');
            await omnichannel.close('demo-traffic');
            const trafficAt = host.notifications.length;
            await host.command(USERS.admin, GENERAL_ROOM, ['traffic']);
            console.log(String(host.notifications[trafficAt] ? host.notifications[trafficAt].message.text : '(no reply)').replace(/^/gm, '   '));

            console.log('\n11. An outage: the CRM answers 503 while a conversation goes on (Rocket.Chat gives up after about 80 s), then');
            console.log('    comes back; POST webhook.backfill sends again, once, what Rocket.Chat sent in that window');
            await host.setAppSetting('webhook_url', '');
            const outageStart = new Date().toISOString();
            ownReceiver.behave({ status: 503, body: 'maintenance' });
            await omnichannel.start('demo-outage');
            await omnichannel.visitorSays('demo-outage', 'Anyone there?');
            await omnichannel.close('demo-outage');
            ownReceiver.behave({ status: 200, body: '{"crmId":"lead-43"}' });
            const sentBefore = ownReceiver.requests.length;
            const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
            const window = { from: outageStart, to: new Date().toISOString() };
            const backfill = await host.api('post', 'webhook.backfill', { ...asAdmin, content: window });
            console.log(`   POST webhook.backfill ${JSON.stringify(window)}\n   → HTTP ${backfill.status} ${backfill.content.reason}`);
            for (const request of ownReceiver.requests.slice(sentBefore)) {
                const body = JSON.parse(request.body);
                console.log(`     the receiver got ${body.type} of ${body._id}, token ${request.headers['x-rocketchat-livechat-token'] ? 'set' : 'missing'}`);
            }
            const again = await host.api('post', 'webhook.backfill', { ...asAdmin, content: window });
            console.log(`   the same again → HTTP ${again.status} ${again.content.reason}`);
            await host.setAppSetting('webhook_url', receiverUrl);
        }

        const appLines = host.logs.filter((entry) => entry.severity !== 'debug');
        console.log(`\nApp log (the app's own lines):\n${appLines.map((entry) => `   [${entry.severity}] ${entry.text}`).join('\n')}`);
        console.log(`\nBridge methods the app needed that this host lacks: ${host.missing.length ? host.missing.join(', ') : 'none'}.`);

        const zipShown = path.relative(process.cwd(), zipPath) || zipPath;
        if (!options.serve) {
            console.log('\nNext:');
            console.log(`   Install it: ${zipShown} is the app. In Rocket.Chat, Administration → Marketplace → Private Apps → Upload private app`);
            console.log('   (Administration → Apps on older versions); accept the permissions it asks for; then type /livechat-webhook-test panel.');
            console.log('   Try its endpoints with curl against this host: npm start -- --serve');
            console.log('   The tests: npm test (npm run test:fast for the quick ones; npm run e2e for the three engines).');
            return;
        }
        // A person trying it should meet the limits a workspace has: the rate limit back on, a room that is not Omnichannel.
        await host.setAppSetting('tests_per_minute', options.testsPerMinute);
        host.rooms.addRoom(GENERAL_ROOM);
        // The demo's receiver from here on is written as a CRM's should be: it refuses a missing or wrong token, so
        // a check says ready. A second one checks nothing: a check of it shows the errors on purpose.
        const crm = await startCrm({ kind: 'good', token: DEMO_TOKEN });
        extras.push(crm);
        const careless = await startReceiver({ status: 200, body: 'OK', contentType: 'text/plain' }, '/careless');
        extras.push(careless);
        await host.setAppSetting('webhook_url', crm.url);
        host.serverSettings.set('Livechat_webhookUrl', crm.url);
        for (const flag of WEBHOOK_FLAGS) {
            host.serverSettings.set(flag, true);
        }
        served = await serveApp(host, options.port, (method, pathname, body) =>
            pathname === '/_host/app-settings' ? appSettings(host, method, body) : Promise.resolve(undefined),
        );
        const root = `http://127.0.0.1:${served.port}`;
        const base = served.base;
        const as = (user: { id: string }) => `-H 'X-User-Id: ${user.id}' -H 'X-Auth-Token: ${AUTH_TOKENS[user.id]}'`;
        const auth = as(USERS.admin);
        const json = `-H 'Content-Type: application/json'`;
        console.log(`\nServing the app's endpoints as Rocket.Chat would, until Ctrl-C (tests_per_minute=${options.testsPerMinute}).`);
        console.log(`   receiver  ${crm.url} (checks the token: a check says ready); ${careless.url} checks nothing`);
        console.log('   Tests and history:');
        console.log(`   curl -s -X POST ${base}/webhook.test ${auth} ${json} -d '{"event":"Message"}'`);
        console.log(`   curl -s -X POST ${base}/webhook.test ${auth} ${json} -d '{"roomId":"demo-room"}'    # an Omnichannel conversation`);
        console.log(
            `   curl -s -X POST ${base}/webhook.test ${auth} ${json} -d '{"roomId":"GENERAL"}'      # a channel: 404, and it does not count against the limit`,
        );
        console.log(
            `   for i in $(seq ${options.testsPerMinute + 1}); do curl -s -o /dev/null -w '%{http_code} ' -X POST ${base}/webhook.test ${auth}; done; echo   # 429 once ${options.testsPerMinute} tests ran this minute (the lines above count too)`,
        );
        console.log(`   curl -s ${base}/webhook.deliveries ${auth}`);
        console.log(`   curl -s '${base}/webhook.deliveries?format=csv' ${auth}     # the history as a spreadsheet (format=ndjson: one JSON a line)`);
        console.log(`   curl -s ${base}/webhook.events ${auth}`);
        console.log(`   The workspace, the receiver, the watch and real traffic (as ${USERS.manager.username}: a check counts as a minute's tests):`);
        const manager = as(USERS.manager);
        console.log(`   curl -s ${base}/webhook.readiness ${manager}`);
        console.log(`   curl -s -X POST ${base}/webhook.check ${manager} ${json} -d '{}'     # ready: the receiver refuses a missing or wrong token`);
        console.log(`   curl -s -X POST ${base}/webhook.check ${manager} ${json} -d '{"url":"${careless.url}"}'     # a minute later: not ready, on purpose`);
        console.log(`   curl -s ${base}/webhook.watch ${manager}`);
        console.log(`   curl -s ${base}/webhook.traffic ${manager}`);
        console.log('   What Rocket.Chat answers itself, before the app:');
        console.log(`   curl -s -i -X POST ${base}/webhook.test ${auth} ${json} -d '{"event":'     # malformed JSON: Express's 400 page (HTML)`);
        console.log(`   curl -s -i -X POST ${base}/webhook.test     # no credentials: 401`);
        console.log("   The app's settings, as an admin changes them (this host's own endpoint, not Rocket.Chat's):");
        console.log(`   curl -s ${root}/_host/app-settings`);
        console.log(`   curl -s -X POST ${root}/_host/app-settings ${json} -d '{"webhook_timeout_ms": 0}'   # then a test answers 400 error-invalid-setting`);
        console.log(`   curl -s -X POST ${root}/_host/app-settings ${json} -d '{"webhook_timeout_ms": 5000, "tests_per_minute": 0}'`);
        console.log(
            `   Users: ${Object.values(USERS)
                .map((user) => `${user.username} (${user.id} / ${AUTH_TOKENS[user.id]})`)
                .join(', ')}`,
        );
        console.log(
            `\nNext: install ${zipShown} in Rocket.Chat (Administration → Marketplace → Private Apps → Upload private app) and accept its permissions.`,
        );
        await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
        });
        console.log('\nStopping.');
    } finally {
        await stop();
    }
}

/** GET lists the app's settings (passwords shown as set or not), POST {id: value, ...} changes them as the admin's settings page does. */
async function appSettings(host: RuntimeHost, method: string, body: string): Promise<{ status: number; body: unknown }> {
    if (method === 'post') {
        let changes: unknown;
        try {
            changes = JSON.parse(body || '{}');
        } catch {
            return { status: 400, body: { success: false, error: 'The body is not valid JSON.' } };
        }
        if (!changes || typeof changes !== 'object' || Array.isArray(changes)) {
            return { status: 400, body: { success: false, error: 'Send a JSON object of setting ids and values, e.g. {"webhook_timeout_ms": 0}.' } };
        }
        const known = await host.appSettings();
        const unknown = Object.keys(changes).filter((id) => !known.some((setting) => setting.id === id));
        if (unknown.length) {
            return {
                status: 400,
                body: { success: false, error: `No such setting: ${unknown.join(', ')}. Known: ${known.map((setting) => setting.id).join(', ')}.` },
            };
        }
        for (const [id, value] of Object.entries(changes as { [id: string]: unknown })) {
            await host.setAppSetting(id, value);
        }
    } else if (method !== 'get') {
        return { status: 405, body: { success: false, error: 'GET or POST' } };
    }
    const settings = (await host.appSettings()).map(({ id, type, value, packageValue }) => ({
        id,
        value: type === 'password' ? (value ? '(set)' : '(empty)') : (value ?? packageValue),
    }));
    return { status: 200, body: { success: true, settings } };
}

async function timed(call: () => Promise<ApiResult>): Promise<{ ms: number; result: ApiResult }> {
    const started = process.hrtime.bigint();
    const result = await call();
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function printResult(result: ApiResult): void {
    console.log(`   → HTTP ${result.status} ${JSON.stringify(result.content)}`);
}

function printRequest(request: ReceivedRequest): void {
    console.log(`     ${request.method} ${request.path}`);
    for (const [name, value] of Object.entries(request.headers)) {
        const shown = name === 'x-rocketchat-livechat-token' ? `(${String(value).length} characters, matches the setting: ${value === DEMO_TOKEN})` : value;
        console.log(`     ${name}: ${shown}`);
    }
    console.log(JSON.stringify(JSON.parse(request.body), null, 2).replace(/^/gm, '     '));
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
