// The receiver check against loopback receivers of every kind: one that handles everything as it
// should, one that answers 204 to Message, one that ignores the token, one that checks the token
// but not the signature, a slow one, one that answers 200 with an HTML page.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { findingsOf, judgeProbes, stepResult } from '../src/check/findings';
import { tookNoData } from '../src/check/hints';
import { checkMessage } from '../src/check/messages';
import { runCheck } from '../src/check/ReceiverCheck';
import { usableSettings } from '../src/gate/access';
import { createStores } from '../src/gate/stores';
import { readAppSettings } from '../src/settings/settings';
import { CapturingLogger } from './host/fakes';
import { CrmKind, startCrm } from './host/crm';
import { credentialsOf, startWorld, USERS, World } from './host/world';
import { render, t } from '../src/i18n/text';

const TOKEN = 'check-secret-token';
const SIGNING_SECRET = 'whsec_Y2hlY2stc2lnbmluZy1zZWNyZXQtMTIzNDU2Nzg=';

/** A CRM receiver of the given kind, expecting this test's token and signing secret. */
const startCrmOf = (kind: CrmKind, delayMs = 0) => startCrm({ kind, token: TOKEN, signingSecret: SIGNING_SECRET, delayMs });

let world: World;
let crm: Awaited<ReturnType<typeof startCrmOf>> | undefined;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_secret_token', TOKEN);
    world.host.settings.set('webhook_signing_secret', SIGNING_SECRET);
});

afterEach(async () => {
    await crm?.close();
    crm = undefined;
    await world.close();
});

const asAdmin = { user: USERS.admin, headers: credentialsOf(USERS.admin) };

async function checkAgainst(kind: CrmKind, options: { delayMs?: number; content?: unknown } = {}) {
    crm = await startCrmOf(kind, options.delayMs);
    world.host.settings.set('webhook_url', crm.url);
    const response = await world.host.post('webhook.check', { ...asAdmin, content: options.content ?? {} });
    expect(response.status).toBe(200);
    return response.content as any;
}

/** The receiver's findings (the workspace's own come first, under "Workspace": test/readiness.test.ts). */
const receiverFindings = (answer: any, severity: string) =>
    answer.problems.filter((finding: any) => finding.severity === severity && finding.step !== 'Workspace');
const errorSteps = (answer: any) => receiverFindings(answer, 'error').map((finding: any) => finding.step);
const warningSteps = (answer: any) => receiverFindings(answer, 'warning').map((finding: any) => finding.step);

describe('the receiver check', () => {
    it('a receiver that does everything right: ready, 16 steps in order, probes refused against their baseline, crmData shown', async () => {
        const answer = await checkAgainst('good');
        expect(answer).toMatchObject({ success: true, ready: true });
        expect(answer.steps.map((step: any) => step.name)).toEqual([
            'LivechatSession',
            'LivechatSessionStart',
            'LivechatSessionQueued',
            'LivechatSessionTaken',
            'LivechatSessionForwarded',
            'LivechatEdit',
            'Message',
            'LeadCapture',
            'LivechatOfflineMessage',
            'LivechatSession as Rocket.Chat really sends it (real-shaped, with the token, unsigned)',
            "LivechatSession real-shaped and signed (the probes' baseline)",
            'without the secret token',
            'with a wrong secret token',
            'with a wrong signature',
            'with a signature 10 minutes old',
            'a duplicate (the same webhook-id again)',
        ]);
        expect(answer.steps.slice(9, 11).map((step: any) => [step.verdict, step.status])).toEqual(Array(2).fill(['delivered', 200]));
        expect(answer.steps.slice(11, 15).map((step: any) => [step.verdict, step.status])).toEqual(Array(4).fill(['refused-as-it-should', 401]));
        expect(errorSteps(answer)).toEqual([]);
        expect(answer.steps[0].crmData).toEqual({ preview: '{"crmId":"lead-7"}', bytes: 18 });
        expect(answer.steps[8].crmData).toBeUndefined();
        // What reached the receiver: the real delivery unsigned, its signed twin, no token, a wrong one, then the duplicate of the real delivery.
        const seen = crm!.seen;
        expect(seen[9]).toMatchObject({ token: TOKEN, signed: false, visitorToken: true });
        expect(seen[10]).toMatchObject({ token: TOKEN, signed: true, visitorToken: true });
        expect(seen[11]).toMatchObject({ token: undefined, visitorToken: true });
        expect(seen[12].token).toMatch(/^wrong-/);
        // The duplicate repeats the real delivery, as a retry would: its webhook-id is that delivery's.
        expect(seen[15].webhookId).toBe(answer.steps[9].report.webhookId);
        expect(seen[15].visitorToken).toBe(true);
        expect(answer.problems.filter((finding: any) => finding.step !== 'Workspace')).toEqual([
            expect.objectContaining({ severity: 'info', step: 'a duplicate (the same webhook-id again)' }),
        ]);
    });

    it('a receiver that answers 204 to Message: not ready, Message dropped', async () => {
        const answer = await checkAgainst('message-204');
        expect(answer.ready).toBe(false);
        expect(errorSteps(answer)).toEqual(['Message']);
        expect(answer.problems.find((finding: any) => finding.step === 'Message').hint).toContain('Answer 200, not 204');
    });

    it('a receiver that ignores the token: it accepts deliveries without it and with a wrong one', async () => {
        const answer = await checkAgainst('ignores-token');
        expect(answer.ready).toBe(false);
        expect(errorSteps(answer)).toEqual(['without the secret token', 'with a wrong secret token']);
        // Ignoring the app's signature is a warning at most: real deliveries carry only the token.
        expect(warningSteps(answer)).toEqual(['with a wrong signature', 'with a signature 10 minutes old']);
        expect(answer.problems.find((finding: any) => finding.step === 'without the secret token').hint).toContain('accepts deliveries without the token');
    });

    it('a receiver that checks the token but not the signature: ready, with a warning that says why it matters little', async () => {
        const answer = await checkAgainst('no-signature-check');
        expect(answer.ready).toBe(true);
        expect(errorSteps(answer)).toEqual([]);
        expect(warningSteps(answer)).toEqual(['with a wrong signature', 'with a signature 10 minutes old']);
        const hint = answer.problems.find((finding: any) => finding.step === 'with a signature 10 minutes old').hint;
        expect(hint).toContain('replayed');
        expect(hint).toContain("Rocket.Chat's real deliveries carry only the token");
    });

    it('a receiver that requires a signature: it would refuse every real delivery (Rocket.Chat does not sign)', async () => {
        const answer = await checkAgainst('requires-signature');
        expect(answer.ready).toBe(false);
        expect(errorSteps(answer)).toEqual(['LivechatSession as Rocket.Chat really sends it (real-shaped, with the token, unsigned)']);
        expect(receiverFindings(answer, 'error')[0].hint).toContain('it would refuse every real event');
    });

    it('a Flask bridge that crashes on a missing key: only the fixed sample fails, real traffic is fine, and the hint names the field', async () => {
        const answer = await checkAgainst('flask-keyerror');
        expect(errorSteps(answer)).toEqual([]);
        expect(answer.ready).toBe(true);
        const sample = answer.problems.find((finding: any) => finding.step === 'LivechatSession');
        expect(sample.severity).toBe('warning');
        expect(sample.hint).toContain("Only Rocket.Chat's fixed test sample fails here");
        expect(sample.hint).toContain("Rocket.Chat's own Send Test button would fail");
        expect(sample.hint).toContain('The receiver choked on: visitor.token (missing)');
        // The receiver's words, inert: in a code span.
        expect(sample.hint).toContain("(its answer: `KeyError: 'token'`)");
        // The probes carried the real-shaped payload: the token check is really tested.
        expect(answer.steps.filter((step: any) => step.kind === 'no-token' || step.kind === 'wrong-token').map((step: any) => step.verdict)).toEqual([
            'refused-as-it-should',
            'refused-as-it-should',
        ]);
    });

    it('a receiver that answers 200 "Room Not Found" and checks nothing: the text quoted as a warning on every step, the probes accepted', async () => {
        const answer = await checkAgainst('error-200', { content: { events: ['LivechatSessionTaken'] } });
        expect(answer.ready).toBe(false);
        expect(errorSteps(answer)).toEqual(['without the secret token', 'with a wrong secret token']);
        // One finding for every step that got it, naming them.
        const quoted = answer.problems.filter((finding: any) => /The 200 says `Room Not Found`/.test(finding.hint));
        expect(quoted).toHaveLength(1);
        // Each of those steps is marked in the table.
        expect(checkMessage(answer, 'en').text).toMatch(/\n⚠️ LivechatSessionTaken · 200 /);
        expect(quoted[0].hint).toMatch(
            /\(on 4 steps: LivechatSessionTaken, LivechatSession as Rocket.Chat really sends it .*, a duplicate \(the same webhook-id again\)\)/,
        );
        // Not called an HTML page: Flask labels a plain string text/html.
        expect(answer.problems.some((finding: any) => /HTML page/.test(finding.hint))).toBe(false);
    });

    it('a receiver that answers 401 to the fixed sample only: real traffic is fine, the probes are judged against the real-shaped baseline', async () => {
        const answer = await checkAgainst('sample-401');
        expect(errorSteps(answer)).toEqual([]);
        const sample = answer.problems.find((finding: any) => finding.step === 'LivechatSession');
        expect(sample).toMatchObject({ severity: 'warning' });
        expect(sample.hint).toContain('Visitor token was not a chat-api id.');
        expect(sample.hint).toContain('visitor.token (missing)');
        expect(sample.hint).not.toContain('make its secret token match');
    });

    it('a receiver that crashes on a bad token: "crashes instead of refusing"; one whose baseline fails: inconclusive', async () => {
        const base = { name: '', event: 'LivechatSession' as const };
        const report = (status: number) => ({ status, verdict: status === 200 ? 'delivered' : 'dropped', responseExcerpt: 'Traceback', hint: 'h' }) as any;
        const crashed = judgeProbes(
            [
                { ...base, name: 'real', kind: 'real-shape', verdict: 'delivered', status: 200, report: report(200) },
                stepResult({ ...base, name: 'no token', kind: 'no-token' }, report(500), 10),
            ],
            false,
        );
        expect(crashed[1].verdict).toBe('crashed');
        expect(findingsOf(crashed, 5000)).toEqual([expect.objectContaining({ severity: 'error', hint: t('check.crashesToken', { status: 500 }) })]);
        const inconclusive = judgeProbes(
            [
                { ...base, name: 'real', kind: 'real-shape', verdict: 'dropped', status: 400, report: report(400) },
                stepResult({ ...base, name: 'no token', kind: 'no-token' }, report(401), 10),
            ],
            false,
        );
        expect(inconclusive[1].verdict).toBe('inconclusive');
        expect(findingsOf(inconclusive, 5000)[1]).toMatchObject({ severity: 'warning', hint: t('check.inconclusiveToken') });
    });

    it('a probe refused with a 200 and an error text is a warning asking for a 401, not "accepts deliveries without the token"', () => {
        const base = { name: '', event: 'LivechatSession' as const };
        const report = (status: number, text: string) =>
            ({ status, verdict: status === 200 ? 'delivered' : 'dropped', responseExcerpt: text, hint: 'h' }) as any;
        const results = judgeProbes(
            [
                { ...base, name: 'real', kind: 'real-shape', verdict: 'delivered', status: 200, report: report(200, '{"success":true}') },
                stepResult(
                    { ...base, name: 'without the secret token', kind: 'no-token' },
                    report(200, '{"success":false,"error":"Invalid secret token"}'),
                    40,
                ),
            ],
            false,
        );
        expect(results[1].verdict).toBe('refused-with-200');
        // The receiver's words are an argument, quoted inert (a code span).
        expect(findingsOf(results, 5000)).toEqual([
            expect.objectContaining({
                severity: 'warning',
                hint: t('check.refusedWith200Quoted', { answer: '`{"success":false,"error":"Invalid secret token"}`' }),
            }),
        ]);
    });

    it.each([
        ['{"success":false}', true],
        ['{"success":"false"}', true],
        ['{"status":"error","message":"x"}', true],
        ['{"result":"fail"}', true],
        ['{"error":"Room Not Found"}', true],
        ['{"errors":[{"code":1}]}', true],
        ['Room Not Found', true],
        ['Visitor token was not a chat-api id.', true],
        ['{"success":true,"error":""}', false],
        ['{"error":null}', false],
        ['{"error":0}', false],
        ['{"data":{"id":1},"errors":[]}', false],
        ['[{"id":1,"lastErrorHandled":"error"}]', false],
        ['Lead saved: no error', false],
        ['Saved lead 42; 0 failed', false],
        ['{"crmId":"lead-7"}', false],
    ])('a 200 saying %s took %s data… (true: it took none)', (body, none) => {
        expect(tookNoData(body)).toBe(none);
    });

    it('a 401 on one event while the same token got 200 elsewhere blames the payload, quoting the answer', () => {
        const base = { event: 'Message' as const, kind: 'event' as const };
        const results = [
            { ...base, name: 'LivechatSessionTaken', verdict: 'delivered' as const, status: 200 },
            {
                ...base,
                name: 'Message',
                verdict: 'dropped' as const,
                status: 401,
                report: { responseExcerpt: 'Room Not Found\nmore', hint: 'make its secret token match' } as any,
            },
        ];
        const [finding] = findingsOf(results, 5000);
        expect(finding.hint).toEqual(t('check.payloadRefusedQuoted', { status: 401, answer: '`Room Not Found`' }));
        // Rendered once per language: the argument stays as written.
        for (const lang of ['en', 'pt-BR', 'es', 'de'] as const) {
            expect(render(finding.hint, lang)).toContain('401');
            expect(render(finding.hint, lang)).toContain('`Room Not Found`');
        }
    });

    it('a slow receiver: every step over half of the timeout is a warning, still ready', async () => {
        world.host.settings.set('webhook_timeout_ms', 300);
        world.host.settings.set('webhook_signing_secret', '');
        world.host.settings.set('webhook_secret_token', '');
        crm = await startCrmOf('ignores-token', 200);
        world.host.settings.set('webhook_url', crm.url);
        const answer = (await world.host.post('webhook.check', { ...asAdmin, content: { events: ['Message', 'LeadCapture'] } })).content as any;
        expect(answer.steps.map((step: any) => step.name)).toEqual(['Message', 'LeadCapture', 'a duplicate (the same webhook-id again)']);
        expect(answer.ready).toBe(true);
        const slow = answer.problems.filter((finding: any) => finding.severity === 'warning' && /over half of the 300 ms timeout/.test(finding.hint));
        expect(slow).toHaveLength(3);
    });

    it('a receiver that answers 200 with an HTML page: a crmData warning on each room event', async () => {
        const answer = await checkAgainst('html', { content: { events: ['LivechatSessionTaken', 'LivechatOfflineMessage'] } });
        const warnings = answer.problems.filter((finding: any) => /HTML page/.test(finding.hint));
        expect(warnings).toHaveLength(1);
        expect(warnings[0].step).toBe('4 steps');
        expect(warnings[0].hint).toContain(
            "(on 4 steps: LivechatSessionTaken, LivechatSession as Rocket.Chat really sends it (real-shaped, with the token, unsigned), LivechatSession real-shaped and signed (the probes' baseline), a duplicate (the same webhook-id again))",
        );
        expect(answer.steps[0].crmData).toMatchObject({ preview: expect.stringContaining('<!DOCTYPE html>'), bytes: 59 });
    });

    it('another URL gets no probes (secrets go only to the saved URL), and says so by leaving them out', async () => {
        crm = await startCrmOf('ignores-token');
        const answer = (await world.host.post('webhook.check', { ...asAdmin, content: { url: crm.url } })).content as any;
        expect(answer.saved).toBe(false);
        expect(answer.steps.map((step: any) => step.kind)).not.toContain('no-token');
        expect(crm.seen.every((request) => request.token === undefined)).toBe(true);
    });

    it('counts against tests_per_minute, needs the permission, and refuses a bad body', async () => {
        world.host.settings.set('tests_per_minute', 1);
        expect((await checkAgainst('good')).ready).toBe(true);
        expect((await world.host.post('webhook.check', asAdmin)).status).toBe(429);
        expect((await world.host.post('webhook.check', { user: USERS.plain, headers: credentialsOf(USERS.plain) })).status).toBe(403);
        world.host.settings.set('tests_per_minute', 0);
        const bad = await world.host.post('webhook.check', { ...asAdmin, content: { events: ['Message', 'Nope'] } });
        expect(bad.status).toBe(400);
        expect((bad.content as any).error).toBe('error-invalid-event');
    });

    it("keeps one history entry per check: its summary and each step's report, no bodies", async () => {
        const answer = await checkAgainst('message-204');
        await new Promise((resolve) => setTimeout(resolve, 30));
        const listed = ((await world.host.get('webhook.deliveries', asAdmin)).content as any).deliveries;
        expect(listed).toHaveLength(1);
        expect(listed[0]).toMatchObject({ id: answer.id, source: { kind: 'check' }, redeliverable: false, check: { ready: false, stepCount: 16, errors: 1 } });
        expect(listed[0].check.steps).toBeUndefined();
        // A check is its own kind of entry: no made-up verdict or hint, its brief as a sentence in the reader's language.
        expect(listed[0]).toMatchObject({ kind: 'check', summary: expect.stringMatching(/^Receiver check: 16 steps, 1 error and \d+ other findings\.$/) });
        expect(listed[0].verdict).toBeUndefined();
        expect(listed[0].hint).toBeUndefined();
        expect(JSON.stringify(world.host.store.records)).not.toContain('"body"');
        expect(JSON.stringify(world.host.store.records)).not.toContain(TOKEN);
        const stats = ((await world.host.get('webhook.deliveries', asAdmin)).content as any).stats;
        expect(stats.total).toBe(0);
    });

    it('slash `check` says "Checking N steps…" at once, then one line per step and the problems', async () => {
        crm = await startCrmOf('message-204');
        world.host.settings.set('webhook_url', crm.url);
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['check']);
        const [first, second] = world.host.notifier.toUsers.map((notification) => String(notification.message.text));
        expect(first).toBe('Checking 16 steps…');
        const lines = second.split('\n');
        expect(lines[0]).toMatch(/^⛔ Receiver not ready: 1 error in 16 steps \(`127\.0\.0\.1:\d+`\) · \d+ ms$/);
        expect(lines[7]).toMatch(/^⛔ Message · 204 · \d+ ms$/);
        expect(lines[1]).toMatch(/^✅ LivechatSession · 200 · \d+ ms · crmData 18 B$/);
        expect(second).toContain('Problems:');
        expect(second).toContain('⛔ *Message*: Answer 200, not 204');
    });
});

describe("the check's deadline", () => {
    it("skips the steps that cannot start within the check's deadline (60 s; 2.2 s here), and says so", async () => {
        // A receiver answering in 250 ms: the deadline passes after a few steps.
        crm = await startCrmOf('good', 250);
        world.host.settings.set('webhook_url', crm.url);
        const stores = createStores('app-id', { engineMs: 25_000, panelMs: 3000, checkMs: 2200 });
        const settings = await readAppSettings(world.host.settings);
        const ready = usableSettings(settings) as any;
        const call = { read: world.host.read(), http: world.host.http, persis: world.host.persistence(), log: new CapturingLogger() };
        const result = await runCheck(stores, call, { settings, ready, by: 'test' });
        const skipped = result.steps.filter((step) => step.verdict === 'skipped');
        expect(skipped.length).toBeGreaterThan(5);
        expect(result.steps.length).toBe(16);
        expect(result.problems.filter((finding) => /deadline passed/.test(render(finding.hint, 'en')))).toHaveLength(skipped.length);
        expect(crm.seen.length).toBe(16 - skipped.length);
    });
});
