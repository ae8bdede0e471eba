// Verdicts that follow the workspace's own Rocket.Chat: the delivery rules changed with PR #36793
// (backported to 7.10.4): before it every answer but 200 was retried, 10 attempts in all; after it
// 5xx, 429, timeouts and network errors are retried, 5 attempts, and the rest dropped.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { DeliveryResult } from '../src/delivery/delivery';
import { judgeDelivery, judgeInvalidUrl } from '../src/delivery/report';
import { chooseRules, RulesChoice, retriesAfter } from '../src/delivery/rules';
import { credentialsOf, startWorld, USERS, World } from './host/world';
import { render, t, Text } from '../src/i18n/text';

const en = (text: Text) => render(text, 'en');

describe('which rules a version follows', () => {
    it.each([
        ['6.13.1', 'legacy', 'version'],
        ['7.9.3', 'legacy', 'version'],
        ['7.10.0', 'legacy', 'version'],
        ['7.10.3', 'legacy', 'version'],
        ['7.10.4', 'current', 'version'],
        ['7.10.12', 'current', 'version'],
        ['7.10', 'current', 'assumed'],
        ['7.9', 'legacy', 'version'],
        ['7.11.2', 'current', 'assumed'],
        ['7.12', 'current', 'assumed'],
        ['7.13.0', 'current', 'version'],
        ['8.0.1', 'current', 'version'],
        ['8.1', 'current', 'version'],
        ['not a version', 'current', 'assumed'],
        [undefined, 'current', 'assumed'],
    ])('%s → %s (%s)', (version, rules, basis) => {
        expect(chooseRules('auto', version as string | undefined)).toMatchObject({ rules, basis });
    });

    it('delivery_rules decides when it is not auto, whatever the version', () => {
        expect(chooseRules('legacy', '8.0.1')).toMatchObject({ rules: 'legacy', basis: 'setting' });
        expect(chooseRules('current', '7.9.3')).toMatchObject({ rules: 'current', basis: 'setting' });
    });
});

describe('the verdict per status, under each rules', () => {
    const at = { sentAt: new Date(), durationMs: 5, requestHeaders: {} };
    const answer = (status: number): DeliveryResult => ({ kind: 'response', status, excerpt: '', headers: {}, bodyBytes: 0, ...at });
    const byVersion = (version: string): RulesChoice => chooseRules('auto', version);
    it.each([
        // status, current verdict, legacy verdict
        [200, 'delivered', 'delivered'],
        [201, 'dropped', 'retried'],
        [204, 'dropped', 'retried'],
        [301, 'dropped', 'retried'],
        [400, 'dropped', 'retried'],
        [401, 'dropped', 'retried'],
        [404, 'dropped', 'retried'],
        [429, 'retried', 'retried'],
        [500, 'retried', 'retried'],
        [503, 'retried', 'retried'],
    ])('%i: %s on current servers, %s on legacy ones', (status, current, legacy) => {
        expect(judgeDelivery(answer(status), 5000, undefined, byVersion('8.0.1')).verdict).toBe(current);
        expect(judgeDelivery(answer(status), 5000, undefined, byVersion('7.9.3')).verdict).toBe(legacy);
    });

    it('names the attempts each rule set makes, 4 × the timeout apart (the hint as data: its key and arguments)', () => {
        const retries = (more: number) => t('report.retries', { more, spacing: t('report.spacing', { ms: 20000 }) });
        expect(judgeDelivery({ kind: 'timeout', ...at }, 5000, undefined, byVersion('8.0.1')).hint).toEqual(
            t('report.timeout', { ms: 5000, retries: retries(4) }),
        );
        expect(judgeDelivery({ kind: 'timeout', ...at }, 5000, undefined, byVersion('7.9.3')).hint).toEqual(
            t('report.timeout', { ms: 5000, retries: retries(9) }),
        );
        expect(judgeDelivery(answer(204), 5000, undefined, byVersion('7.9.3')).hint).toEqual(
            t('report.legacyRetried', { why: t('report.not200', { status: 204 }), retries: retries(9) }),
        );
        // One rendering, to see the sentence reads.
        expect(en(judgeDelivery(answer(204), 5000, undefined, byVersion('7.9.3')).hint)).toMatch(
            /^Answer 200, not 204\. This server retries every answer but 200: Rocket\.Chat would try 9 more times/,
        );
    });

    it('a URL Rocket.Chat cannot use is tried as often as the rules say: 10 attempts on a legacy server, 5 on a current one', () => {
        expect(judgeInvalidUrl('x', 'legacy').hint).toEqual(t('report.invalidUrl', { reason: 'x', attempts: 10 }));
        expect(judgeInvalidUrl('x', 'current').hint).toEqual(t('report.invalidUrl', { reason: 'x', attempts: 5 }));
    });

    it('what each rule set retries, in one place', () => {
        expect([200, 201, 404, 429, 500].map((status) => retriesAfter('current', { kind: 'response', status }))).toEqual([false, false, false, true, true]);
        expect([200, 201, 404, 429, 500].map((status) => retriesAfter('legacy', { kind: 'response', status }))).toEqual([false, true, true, true, true]);
        expect(retriesAfter('current', { kind: 'timeout' })).toBe(true);
    });

    it('says when the rules were assumed, and what would change', () => {
        expect(en(judgeDelivery(answer(204), 5000, undefined, byVersion('7.10')).hint)).toContain(
            'Assumed the current delivery rules: the server says only 7.10',
        );
        expect(en(judgeDelivery(answer(200), 5000, undefined, byVersion('7.10')).hint)).not.toContain('Assumed');
    });
});

describe("the workspace's version, read from /api/info", () => {
    let world: World;

    beforeEach(async () => {
        world = await startWorld(LivechatWebhookTestApp);
        world.host.settings.set('tests_per_minute', 0);
        world.receiver.behave({ status: 204, body: '' });
    });

    afterEach(async () => {
        await world.close();
    });

    const test = async (user = USERS.admin) => ((await world.host.post('webhook.test', { user, headers: credentialsOf(user) })).content as any).delivery;

    it('a server before 7.10.4: a 204 is retried 9 more times, and the report says legacy', async () => {
        world.permissionHost.setVersion('7.9.3');
        expect(await test()).toMatchObject({ rules: 'legacy', verdict: 'retried' });
        expect(world.permissionHost.infoCalls).toEqual([{ path: '/api/info', userId: USERS.admin.id, authToken: credentialsOf(USERS.admin)['X-Auth-Token'] }]);
    });

    it('a current server: dropped, rules current; the version is read once an hour, not per test', async () => {
        world.permissionHost.setVersion('7.10.4');
        expect(await test()).toMatchObject({ rules: 'current', verdict: 'dropped' });
        await test();
        await test();
        expect(world.permissionHost.infoCalls).toHaveLength(1);
    });

    it('a caller who sees only "7.10" (no get-server-info): current rules, assumed, and the hint says so', async () => {
        world.permissionHost.setVersion('7.10.2');
        const delivery = await test(USERS.manager);
        expect(delivery).toMatchObject({ rules: 'current', verdict: 'dropped' });
        expect(en(delivery.hint)).toContain('the server says only 7.10');
        expect(en(delivery.hint)).toContain('set delivery_rules to legacy');
    });

    it('delivery_rules overrides the version', async () => {
        world.permissionHost.setVersion('8.0.1');
        world.host.settings.set('delivery_rules', 'legacy');
        expect(await test()).toMatchObject({ rules: 'legacy', verdict: 'retried' });
        expect(world.permissionHost.infoCalls).toHaveLength(0);
    });

    it('a version that cannot be read: current rules, assumed; not asked again on every test, nor read from the store on every test', async () => {
        world.permissionHost.setVersion(undefined);
        const delivery = await test();
        expect(delivery).toMatchObject({ rules: 'current' });
        expect(en(delivery.hint)).toContain("the server's version could not be read");
        await test();
        expect(world.permissionHost.infoCalls).toHaveLength(1);
        // A warm test then costs one store call: its history write.
        await new Promise((resolve) => setTimeout(resolve, 30));
        const before = world.host.store.calls;
        await test();
        await new Promise((resolve) => setTimeout(resolve, 30));
        expect(world.host.store.calls - before).toBe(1);
    });

    it('the slash command and the watch use the version an API call stored', async () => {
        world.permissionHost.setVersion('7.9.3');
        await test();
        await new Promise((resolve) => setTimeout(resolve, 30));
        const other = await world.anotherInstance();
        await world.primePermissionTable();
        await other.runCommand('livechat-webhook-test', USERS.admin, []);
        expect(String(other.notifier.toUsers[0].message.text)).toContain('This server retries every answer but 200');
        expect(world.permissionHost.infoCalls).toHaveLength(1);
    });
});
