// The health watch: scheduled tests of the saved webhook URL, its state in persistence, one alert
// when the webhook starts failing and one message when it recovers.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { INITIAL_STATE, KEPT_RUNS, RunSummary, transition, WatchState } from '../src/watch/state';
import { urlKeyOf, WatchStore } from '../src/watch/WatchStore';
import { ALERTS_ROOM, GENERAL_ROOM, LocalHost } from './host/localHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.rooms.addRoom(ALERTS_ROOM);
    world.host.settings.set('watch_interval_minutes', 5);
    world.host.settings.set('watch_alert_room', 'webhook-alerts');
    await world.host.settingsApplied();
});

afterEach(async () => {
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };
const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = (host: LocalHost = world.host) => host.fireJob('webhook-watch');
const status = async (host: LocalHost = world.host) => (await host.get('webhook.watch', asAdmin)).content as any;
const posted = (host: LocalHost = world.host) => host.roomMessages.map((message) => String(message.text).split('\n')[0]);

describe('the state machine', () => {
    const run = (verdict: RunSummary['verdict'], minute: number, id = `dlv_${String(minute).padStart(12, '0')}`): RunSummary => ({
        id,
        sentAt: new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString(),
        verdict,
        ...(verdict === 'delivered' ? { status: 200 } : { status: 503, errorKind: 'status' as const }),
    });
    const step = (state: WatchState, verdict: RunSummary['verdict'], minute: number, urlKey = 'url-a', failuresToAlert = 3) =>
        transition(state, run(verdict, minute), { failuresToAlert, urlKey });
    const after = (verdicts: Array<RunSummary['verdict']>, failuresToAlert = 3) =>
        verdicts.reduce((state, verdict, index) => step(state, verdict, index, 'url-a', failuresToAlert).next, INITIAL_STATE);

    it.each([
        // [name, before (runs), this run, state after, changed, message]
        ['unknown, delivered', [], 'delivered', 'healthy', true, undefined],
        ['unknown, 1st failure', [], 'retried', 'unknown', false, undefined],
        ['unknown, 3rd failure in a row', ['retried', 'dropped'], 'retried', 'failing', true, 'failing'],
        ['healthy, delivered', ['delivered'], 'delivered', 'healthy', false, undefined],
        ['healthy, 1st failure', ['delivered'], 'retried', 'healthy', false, undefined],
        ['healthy, 2nd failure', ['delivered', 'retried'], 'refused', 'healthy', false, undefined],
        ['healthy, 3rd failure', ['delivered', 'retried', 'retried'], 'not-sent', 'failing', true, 'failing'],
        ['failing, failure', ['retried', 'retried', 'retried'], 'retried', 'failing', false, undefined],
        ['failing, 10th failure', Array(9).fill('retried'), 'retried', 'failing', false, undefined],
        ['failing, delivered', ['retried', 'retried', 'retried'], 'delivered', 'healthy', true, 'recovered'],
        ['a failure streak broken by a delivery', ['retried', 'retried', 'delivered'], 'retried', 'healthy', false, undefined],
    ] as Array<[string, Array<RunSummary['verdict']>, RunSummary['verdict'], string, boolean, string | undefined]>)(
        '%s',
        (_name, before, verdict, state, changed, message) => {
            const result = step(after(before), verdict, before.length);
            expect(result.next.state).toBe(state);
            expect(result.changed).toBe(changed);
            expect(result.change?.kind).toBe(message);
        },
    );

    it('the alert says since when and how many runs failed; the recovery after how long and how many', () => {
        const failing = step(after(['delivered', 'retried', 'retried']), 'retried', 3);
        expect(failing.change).toEqual({ kind: 'failing', since: run('retried', 1).sentAt, failedRuns: 3 });
        const recovered = step(after(['delivered', 'retried', 'retried', 'retried', 'retried']), 'delivered', 5);
        expect(recovered.change).toEqual({ kind: 'recovered', afterMs: 4 * 60 * 1000, failedRuns: 4, failingSince: run('retried', 1).sentAt });
    });

    it('alerts at once when one failure is enough', () => {
        expect(step(INITIAL_STATE, 'retried', 0, 'url-a', 1).change?.kind).toBe('failing');
    });

    it('starts over on a new URL: failing becomes unknown, with no message', () => {
        const failing = after(['retried', 'retried', 'retried']);
        const moved = step(failing, 'retried', 3, 'url-b');
        expect(moved).toMatchObject({ reset: true, changed: true, next: { state: 'unknown', consecutiveFailures: 1, urlKey: 'url-b' } });
        expect(moved.change).toBeUndefined();
        expect(moved.next.runs).toHaveLength(1);
    });

    it(`keeps the last ${KEPT_RUNS} runs, newest first`, () => {
        let state = INITIAL_STATE;
        for (let index = 0; index < 300; index++) {
            state = step(state, 'delivered', index).next;
        }
        expect(state.runs).toHaveLength(KEPT_RUNS);
        expect(state.runs[0].sentAt).toBe(run('delivered', 299).sentAt);
    });
});

describe("scheduling through the engine's scheduler", () => {
    it('registers the processor, schedules one recurring job when the interval is set, and cancels it at 0', async () => {
        const name = world.host.scheduler.name('webhook-watch');
        expect(world.host.scheduler.processors.has(name)).toBe(true);
        expect(world.host.scheduler.jobs.get(name)).toMatchObject({ kind: 'recurring', interval: '5 minutes', skipImmediate: true });
        world.host.settings.set('watch_interval_minutes', 30);
        await world.host.settingsApplied();
        expect(world.host.scheduler.jobs.get(name)).toMatchObject({ interval: '30 minutes' });
        expect(world.host.scheduler.jobs.size).toBe(1);
        world.host.settings.set('watch_interval_minutes', 0);
        await world.host.settingsApplied();
        expect(world.host.scheduler.jobs.size).toBe(0);
    });

    it('schedules again on every enable (a restart), keeping one job', async () => {
        const restarted = await world.anotherInstance();
        expect(restarted.scheduler.calls).toEqual(['scheduleRecurring webhook-watch 5 minutes']);
        expect(restarted.scheduler.jobs.size).toBe(1);
    });

    it('schedules nothing for an interval that is not a number of minutes', async () => {
        world.host.settings.set('watch_interval_minutes', 'often');
        await world.host.settingsApplied();
        expect(world.host.scheduler.jobs.size).toBe(0);
        expect((await status()).settingError).toContain('watch_interval_minutes');
    });
});

describe('runs, alerts and recoveries against a receiver that fails and recovers', () => {
    it('ten failing runs are one alert; a delivered run then one recovery', async () => {
        await tick();
        expect((await status()).state).toBe('healthy');
        world.receiver.behave({ status: 503, body: 'maintenance' });
        for (let index = 0; index < 10; index++) {
            await tick();
        }
        expect(posted()).toEqual([`⛔ Webhook failing: \`${new URL(world.receiver.url).host}\``]);
        const alert = world.host.roomMessages[0];
        expect(alert.room.id).toBe('room-alerts');
        expect(alert.sender.username).toBe('livechat-webhook-test.bot');
        const blocks = alert.blocks as Array<any>;
        // The host as code, outside the bold (Rocket.Chat shows a code span inside bold as written).
        expect(blocks[0].text.text).toBe(`*⛔ Webhook failing:* \`${new URL(world.receiver.url).host}\``);
        const fields = blocks[1].fields.map((field: any) => field.text);
        expect(fields[0]).toMatch(/^\*Failing since\*\n2\d{3}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
        expect(fields.slice(1)).toEqual(['*Failed runs*\n3', '*Last verdict*\nretried', '*Status*\n503']);
        expect(blocks[2].elements[0].text).toContain('would try 4 more times');
        expect(blocks[3].elements[0]).toMatchObject({ actionId: 'livechat-webhook-test.watch-now', text: { text: 'Test now' } });
        world.receiver.behave({ status: 200 });
        await tick();
        await tick();
        expect(posted()).toHaveLength(2);
        expect(posted()[1]).toBe(`✅ Webhook recovered: \`${new URL(world.receiver.url).host}\``);
        expect(String(world.host.roomMessages[1].text)).toMatch(/Recovered after \d+ s and 10 failed runs/);
        const shown = await status();
        expect(shown).toMatchObject({
            enabled: true,
            intervalMinutes: 5,
            event: 'LivechatSession',
            state: 'healthy',
            consecutiveFailures: 0,
            uptime: { runs: 13, delivered: 3 },
        });
        expect(shown.runs).toHaveLength(13);
        expect(shown.lastRun).toMatchObject({ verdict: 'delivered', status: 200 });
    });

    it('runs are the same test: the saved URL, the token, the sample of the chosen event, source "watch"', async () => {
        world.host.settings.set('webhook_secret_token', 'watch-secret-token');
        world.host.settings.set('watch_event', 'message');
        await tick();
        const [received] = world.receiver.requests;
        expect(received.headers['x-rocketchat-livechat-token']).toBe('watch-secret-token');
        expect(JSON.parse(received.body).type).toBe('Message');
        const [delivery] = ((await world.host.get('webhook.deliveries', asAdmin)).content as any).deliveries;
        expect(delivery).toMatchObject({ source: { kind: 'watch' }, by: 'watch', event: 'Message' });
        expect(world.host.logger.text()).toMatch(/Webhook watch run dlv_[0-9a-f]{12}: event Message -> 200 delivered; state healthy/);
    });

    it('names the scheduled runs as the watch, and a person named "watch" who presses Test now as that person', async () => {
        const namedWatch = { ...USERS.admin, id: 'user-named-watch', username: 'watch', name: 'Watch' };
        // Slash commands carry no credentials: they decide with the table an API call stored.
        await world.primePermissionTable();
        await tick();
        // The history keeps the runs that change the state: one failure is enough here.
        world.host.settings.set('watch_failures_to_alert', 1);
        await world.host.settingsApplied();
        world.receiver.behave({ status: 500 });
        await world.host.runCommand('livechat-webhook-test', namedWatch, ['watch', 'now']);
        const listed = ((await world.host.get('webhook.deliveries', asAdmin)).content as any).deliveries;
        const [manual, scheduled] = listed;
        expect([manual.by, manual.source, scheduled.by, scheduled.source]).toEqual([
            'watch',
            { kind: 'watch', scheduled: false },
            'watch',
            { kind: 'watch', scheduled: true },
        ]);
        const before = world.host.notifier.toUsers.length;
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['history']);
        const [manualLine, scheduledLine] = String(world.host.notifier.toUsers[before].message.text).split('\n').slice(1);
        expect(manualLine).toMatch(/ · by watch$/);
        expect(scheduledLine).toMatch(/ · by the health watch$/);
        // A record kept before 0.3.0 has no flag: its "by" tells.
        const { byScheduledWatch } = await import('../src/watch/messages');
        expect(byScheduledWatch({ by: 'watch', source: { kind: 'watch' } })).toBe(true);
        expect(byScheduledWatch({ by: 'admin.user', source: { kind: 'watch' } })).toBe(false);
    });

    it('a new webhook URL resets the state to unknown', async () => {
        world.receiver.behave({ status: 500 });
        for (let index = 0; index < 3; index++) {
            await tick();
        }
        expect((await status()).state).toBe('failing');
        world.host.settings.set('webhook_url', `${world.receiver.url}?moved=1`);
        // At once, before any run: the state belongs to the old URL.
        expect(await status()).toMatchObject({ state: 'unknown', consecutiveFailures: 0, runs: [] });
        await tick();
        expect(await status()).toMatchObject({ state: 'unknown', consecutiveFailures: 1 });
        expect(posted()).toHaveLength(1);
    });

    it('a URL the network policy refuses is a failing run whose alert says why', async () => {
        world.host.settings.set('webhook_url', 'http://169.254.169.254/latest/meta-data/');
        world.host.settings.set('watch_failures_to_alert', 1);
        await tick();
        expect(posted()).toHaveLength(1);
        expect(String(world.host.roomMessages[0].text)).toContain('`169.254.169.254` is a loopback, private, link-local or metadata address');
        expect(world.host.http.sent.filter((request) => request.url.includes('169.254'))).toHaveLength(0);
    });

    it('a setting that keeps deliveries from going out is a failing run naming it', async () => {
        world.host.settings.set('webhook_timeout_ms', 0);
        world.host.settings.set('watch_failures_to_alert', 1);
        await tick();
        expect(String(world.host.roomMessages[0].text)).toContain('webhook_timeout_ms');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('finds the alert room by id too; with no room set it posts nothing but keeps the state', async () => {
        world.host.settings.set('watch_alert_room', 'room-alerts');
        world.host.settings.set('watch_failures_to_alert', 1);
        world.receiver.behave({ status: 500 });
        await tick();
        expect(posted()).toHaveLength(1);
        world.host.settings.set('watch_alert_room', '');
        world.receiver.behave({ status: 200 });
        await tick();
        expect(posted()).toHaveLength(1);
        expect((await status()).state).toBe('healthy');
    });

    it('says in the log, and keeps going, when the alert room does not exist', async () => {
        world.host.settings.set('watch_alert_room', 'no-such-room');
        world.host.settings.set('watch_failures_to_alert', 1);
        world.receiver.behave({ status: 500 });
        await tick();
        expect(world.host.logger.text()).toContain('no room "no-such-room" to post the alert in');
        expect((await status()).state).toBe('failing');
    });

    it('has no rate limit: the scheduler may run as often as it is set to', async () => {
        world.host.settings.set('tests_per_minute', 1);
        for (let index = 0; index < 5; index++) {
            await tick();
        }
        expect(world.receiver.requests).toHaveLength(5);
    });
});

describe('the watch on a cluster, and when the host fails it', () => {
    it('two instances over one store, runs alternating between them: one alert, one recovery, no state lost', async () => {
        const other = await world.anotherInstance();
        other.rooms.addRoom(ALERTS_ROOM);
        const hosts = [world.host, other];
        world.receiver.behave({ status: 503 });
        for (let index = 0; index < 6; index++) {
            await tick(hosts[index % 2]);
        }
        world.receiver.behave({ status: 200 });
        for (let index = 0; index < 4; index++) {
            await tick(hosts[index % 2]);
        }
        const messages = [...world.host.roomMessages, ...other.roomMessages].map((message) => String(message.text).split(' ')[0]);
        expect(messages.sort()).toEqual(['⛔', '✅'].sort());
        expect((await status(other)).uptime).toEqual({ runs: 10, delivered: 4, ratio: 0.4 });
    });

    it('two instances pressing Test now at the same moment post one alert per episode and keep both runs (3 tries)', async () => {
        world.host.settings.set('watch_failures_to_alert', 1);
        const other = await world.anotherInstance();
        other.rooms.addRoom(ALERTS_ROOM);
        other.settings.set('watch_failures_to_alert', 1);
        await Promise.all([world.primePermissionTable(), other.get('webhook.events', asAdmin)]);
        const testNow = (host: LocalHost) => host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' });
        const all = () => [...world.host.roomMessages, ...other.roomMessages].map((message) => String(message.text).split(' ')[0]);
        for (let round = 1; round <= 3; round++) {
            world.receiver.behave({ status: 503 });
            await Promise.all([testNow(world.host), testNow(other)]);
            expect(all().filter((mark) => mark === '⛔')).toHaveLength(round);
            world.receiver.behave({ status: 200 });
            await Promise.all([testNow(world.host), testNow(other)]);
            expect(all().filter((mark) => mark === '✅')).toHaveLength(round);
        }
        expect((await status()).uptime).toEqual({ runs: 12, delivered: 6, ratio: 0.5 });
    });

    it('a run that never finished (the app stopped during it) pauses the schedule with one alert; Test now runs and resumes it', async () => {
        // What a run leaves behind when the app is taken down in the middle of it: its start mark.
        const startedAt = Date.now() - 5 * 60 * 1000;
        await new WatchStore().start(world.host.persistence(), { id: 'dlv_0000000lost1', startedAt, deadline: startedAt + 90 * 1000 });
        await tick();
        await tick();
        expect(world.receiver.requests).toHaveLength(0);
        expect(posted()).toEqual(['⏸️ Webhook watch paused']);
        expect(String(world.host.roomMessages[0].text)).toContain('Run dlv_0000000lost1');
        expect(world.host.logger.text()).toContain('Webhook watch paused: run dlv_0000000lost1');
        expect(await status()).toMatchObject({ paused: { runId: 'dlv_0000000lost1' }, reason: expect.stringContaining('paused') });
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['watch']);
        expect(world.host.notifier.toUsers[0].message.text).toContain('⏸️ Paused since');

        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['watch', 'now']);
        expect(world.receiver.requests).toHaveLength(1);
        expect(world.host.notifier.toUsers[1].message.text).toContain('Scheduled runs resume.');
        expect((await status()).paused).toBeUndefined();
        await tick();
        expect(world.receiver.requests).toHaveLength(2);
        expect(posted()).toHaveLength(1);
    });

    it('a run still within its time on another instance is not taken for a lost one', async () => {
        await new WatchStore().start(world.host.persistence(), { id: 'dlv_0000running', startedAt: Date.now(), deadline: Date.now() + 60 * 1000 });
        await tick();
        expect(world.receiver.requests).toHaveLength(1);
        expect(posted()).toHaveLength(0);
    });

    it("0.2.0's failing state carries over: shown before any run, its alert not posted again, its recovery posted once", async () => {
        const run = (id: string, minutesAgo: number, verdict: string) => ({
            id,
            sentAt: new Date(Date.now() - minutesAgo * 60 * 1000).toISOString(),
            verdict,
            status: verdict === 'delivered' ? 200 : 503,
        });
        const runs = [
            run('dlv_00000000003c', 5, 'retried'),
            run('dlv_00000000002b', 10, 'retried'),
            run('dlv_00000000001a', 15, 'retried'),
            run('dlv_000000000000', 20, 'delivered'),
        ];
        const urlKey = urlKeyOf(world.receiver.url);
        const legacy = { v: 1, state: 'failing', since: runs[2].sentAt, firstFailureAt: runs[2].sentAt, consecutiveFailures: 3, urlKey, runs };
        await world.host
            .persistence()
            .createWithAssociations(legacy, [new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'livechat-webhook-test:watch-state')]);
        expect(await status()).toMatchObject({ state: 'failing', consecutiveFailures: 3, uptime: { runs: 4 } });
        world.receiver.behave({ status: 503 });
        await tick();
        expect(posted()).toEqual([]);
        world.receiver.behave({ status: 200 });
        await tick();
        await tick();
        expect(posted()).toEqual([`✅ Webhook recovered: \`${new URL(world.receiver.url).host}\``]);
        expect(await status()).toMatchObject({ state: 'healthy', uptime: { runs: 7 } });
        expect(world.host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:watch-state'))).toHaveLength(0);
    });

    it('a slow receiver keeps nothing waiting: the status answers at once, a tick during a run is skipped, Test now clicks join one queued run', async () => {
        world.host.settings.set('webhook_timeout_ms', 3000);
        world.receiver.behave({ status: 200, delayMs: 1000 });
        await world.primePermissionTable();
        let firstDone = false;
        const first = tick().then(() => (firstDone = true));
        await settle(100);
        expect((await status()).state).toBe('unknown');
        // Answered while the run still waits for the receiver.
        expect(firstDone).toBe(false);
        const clicks = Array.from({ length: 4 }, () =>
            world.host.blockAction(USERS.admin, GENERAL_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' }),
        );
        await tick();
        await Promise.all([first, ...clicks]);
        await settle(50);
        // The first run and one queued behind it, which every click joined; the tick in between was skipped.
        expect(world.receiver.requests).toHaveLength(2);
        expect(world.host.logger.text()).toContain('Webhook watch run skipped: the previous run is still going.');
        expect((await status()).uptime.runs).toBe(2);
    });

    it("alerts once when the workspace's own settings stop real deliveries (URL emptied, every flag off, Omnichannel off), and once when they come back", async () => {
        const serverSettings = world.host.serverSettings;
        serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        serverSettings.set('Livechat_webhook_on_close', true);
        await tick();
        expect(posted()).toEqual([]);
        serverSettings.set('Livechat_webhook_on_close', false);
        await tick();
        await tick();
        expect(posted()).toEqual(["🛑 Rocket.Chat stopped sending webhooks: the workspace's settings"]);
        expect(String(world.host.roomMessages[0].text)).toContain('every "Send request on …" setting');
        serverSettings.set('Livechat_webhook_on_close', true);
        await tick();
        serverSettings.set('Livechat_enabled', false);
        await tick();
        serverSettings.set('Livechat_enabled', true);
        await tick();
        expect(posted()).toEqual([
            "🛑 Rocket.Chat stopped sending webhooks: the workspace's settings",
            '✅ Rocket.Chat sends webhooks again',
            "🛑 Rocket.Chat stopped sending webhooks: the workspace's settings",
            '✅ Rocket.Chat sends webhooks again',
        ]);
        expect(String(world.host.roomMessages[2].text)).toContain('Omnichannel is off (Livechat_enabled)');
        // The receiver itself never failed: no webhook alert.
        expect((await status()).state).toBe('healthy');
    });

    it('two instances seeing the workspace stop at once post one alert', async () => {
        const other = await world.anotherInstance();
        other.rooms.addRoom(ALERTS_ROOM);
        for (const host of [world.host, other]) {
            host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
            host.serverSettings.set('Livechat_webhook_on_close', true);
        }
        await tick();
        for (const host of [world.host, other]) {
            host.serverSettings.set('Livechat_webhookUrl', '');
        }
        await Promise.all([tick(world.host), tick(other)]);
        expect([...posted(), ...posted(other)]).toEqual(["🛑 Rocket.Chat stopped sending webhooks: the workspace's settings"]);
    });

    it('a persistence failure during a run is logged; the processor does not throw and the next run goes on', async () => {
        await tick();
        await settle();
        world.host.store.failWrites(1);
        await expect(tick()).resolves.toBe(true);
        expect(world.host.logger.text()).toContain('Webhook watch run failed: database unavailable; the next run goes on.');
        await tick();
        expect((await status()).uptime.runs).toBe(2);
    });

    it('a failed post in the alert room is logged and the state kept', async () => {
        world.host.settings.set('watch_failures_to_alert', 1);
        world.receiver.behave({ status: 500 });
        const modify = world.host.modify.bind(world.host);
        (world.host as any).modify = () => {
            const real = modify();
            return {
                ...real,
                getCreator: () => ({
                    ...real.getCreator(),
                    startMessage: real.getCreator().startMessage,
                    finish: async () => Promise.reject(new Error('message bridge down')),
                }),
            };
        };
        await tick();
        expect(world.host.logger.text()).toContain('could not post in the alert room: message bridge down');
        expect((await status()).state).toBe('failing');
    });

    it('does not run while the app is disabled (the engine skips the job)', async () => {
        world.host.enabled = false;
        expect(await tick()).toBe(false);
        expect(world.receiver.requests).toHaveLength(0);
    });
});

describe('runs and the delivery history', () => {
    it('never push manual tests out: only runs that change the state are kept there', async () => {
        for (let index = 0; index < 5; index++) {
            await world.testAs(USERS.admin);
        }
        for (let index = 0; index < 60; index++) {
            await tick();
        }
        await settle();
        const { deliveries } = (await world.host.get('webhook.deliveries', asAdmin)).content as any as { deliveries: Array<any> };
        expect(deliveries.filter((item) => item.source.kind === 'watch')).toHaveLength(1);
        expect(deliveries.filter((item) => item.source.kind === 'sample')).toHaveLength(5);
        expect((await status()).uptime.runs).toBe(60);
    });

    it('keeps 288 run summaries after 301 runs (pruned once 12 more piled up), with no body', async () => {
        for (let index = 0; index < 301; index++) {
            await tick();
        }
        await settle(100);
        const runs = world.host.store.records
            .filter((candidate) => candidate.associations.some((key) => key.id === 'livechat-webhook-test:watch-run'))
            .map((record) => (record.data as any).value);
        expect(runs).toHaveLength(288);
        expect(JSON.stringify(runs)).not.toContain('"body"');
        expect(Object.keys(runs[0]).sort()).toEqual(['durationMs', 'id', 'sentAt', 'status', 'urlKey', 'verdict']);
        expect((await status()).uptime.runs).toBe(288);
        // Every run recorded took its start mark away: none is left to pause the watch.
        expect(world.host.store.records.filter((record) => record.associations.some((key) => key.id === 'livechat-webhook-test:watch-start'))).toHaveLength(0);
    });
});

describe('seeing it and running it by hand', () => {
    it('GET webhook.watch needs the same permission as the test', async () => {
        expect((await world.host.get('webhook.watch', { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
        expect(await status()).toMatchObject({ success: true, enabled: true, state: 'unknown', uptime: { runs: 0, delivered: 0, ratio: null }, runs: [] });
    });

    it('slash `watch` shows the state as a block message; `watch now` runs it at once', async () => {
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['watch', 'now']);
        expect(world.receiver.requests).toHaveLength(1);
        expect(world.host.notifier.toUsers[0].message.text).toContain('Health watch: healthy');
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['watch']);
        const reply = world.host.notifier.toUsers[1].message;
        expect(String(reply.text).split('\n')).toEqual([
            expect.stringMatching(/^Health watch: ✅ Healthy since /),
            'Schedule: every 5 min, LivechatSession',
            'Uptime: 1 of 1 runs delivered (100 %)',
            expect.stringMatching(/^Last run: .*: delivered 200, \d+ ms$/),
        ]);
        expect((reply.blocks as Array<any>)[2].elements[0].actionId).toBe('livechat-webhook-test.watch-now');
    });

    it('"Test now" checks the permission of whoever clicks it', async () => {
        await world.primePermissionTable();
        await world.host.blockAction(USERS.plain, GENERAL_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' });
        expect(world.receiver.requests).toHaveLength(0);
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-unauthorized');
        await world.host.blockAction(USERS.manager, GENERAL_ROOM, { actionId: 'livechat-webhook-test.watch-now', value: 'watch' });
        expect(world.receiver.requests).toHaveLength(1);
        expect(world.host.notifier.toUsers[1].to).toBe(USERS.manager);
        expect(world.host.logger.text()).toMatch(/Webhook watch run by manager\.user dlv_/);
    });
});
