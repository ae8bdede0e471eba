// Receivers that misbehave: each gives a clear report within timeout + 100 ms, and the app keeps
// nothing of a huge answer but its first KiB.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as v8 from 'v8';
import * as vm from 'vm';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { HostileKind, HostileReceiver, startHostileReceiver } from './host/hostileReceivers';
import { startWorld, USERS, World } from './host/world';

const TIMEOUT_MS = 600;
const GRACE_MS = 100;

let world: World;
let hostile: HostileReceiver | undefined;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('webhook_timeout_ms', TIMEOUT_MS);
});

afterEach(async () => {
    await hostile?.close();
    hostile = undefined;
    await world.close();
});

async function testAgainst(
    kind: HostileKind,
    options?: Parameters<typeof startHostileReceiver>[1],
): Promise<{ elapsedMs: number; status: number; content: any }> {
    hostile = await startHostileReceiver(kind, options);
    world.host.settings.set('webhook_url', hostile.url);
    const started = Date.now();
    const response = await world.testAs(USERS.admin);
    return { elapsedMs: Date.now() - started, status: response.status as number, content: response.content };
}

describe('hostile receivers', () => {
    it('closes the socket mid-response: a connection error, at once', async () => {
        const { elapsedMs, status, content } = await testAgainst('close-mid-response');
        expect(status).toBe(400);
        expect(content.delivery).toMatchObject({ verdict: 'retried', errorKind: 'connection' });
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + GRACE_MS);
    });

    it('answers headers then stalls: a timeout, although the host would keep reading', async () => {
        const { elapsedMs, content } = await testAgainst('stall-after-headers');
        expect(content.delivery).toMatchObject({ verdict: 'retried', errorKind: 'timeout' });
        expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + GRACE_MS);
    });

    it('drips bytes slower than the timeout: a timeout', async () => {
        const { elapsedMs, content } = await testAgainst('drip', { dripIntervalMs: 150 });
        expect(content.delivery).toMatchObject({ verdict: 'retried', errorKind: 'timeout' });
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + GRACE_MS);
    });

    it('redirects in a loop: the host gives up after 5 hops, reported as a redirect loop', async () => {
        const { elapsedMs, content } = await testAgainst('redirect-loop');
        expect(content.error).toBe('error-invalid-webhook-response');
        expect(content.delivery).toMatchObject({ verdict: 'retried', errorKind: 'redirect-loop' });
        expect(hostile!.hits).toBe(6);
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + GRACE_MS);
    });

    it("redirects to a private address: the host's SSRF check refuses the hop, nothing reaches it", async () => {
        const { content } = await testAgainst('redirect-to', { redirectTo: 'http://169.254.169.254/latest/meta-data/' });
        expect(content.error).toBe('error-ssrf-validation-failed');
        expect(content.delivery).toMatchObject({ verdict: 'refused', errorKind: 'ssrf' });
        expect(content.delivery.hint).toContain('SSRF_Allowlist');
        expect(world.host.http.sent[world.host.http.sent.length - 1].options.ssrfValidation).toBe(true);
    });

    it('answers with something that is not HTTP: a connection error, at once', async () => {
        const { elapsedMs, content } = await testAgainst('invalid-http');
        expect(content.delivery).toMatchObject({ verdict: 'retried', errorKind: 'connection' });
        expect(content.reason).toContain('Could not reach the receiver');
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + GRACE_MS);
    });

    it('sends 50 MiB: the report keeps the first KiB, and the app holds on to none of the rest', async () => {
        world.host.settings.set('webhook_timeout_ms', 10000);
        v8.setFlagsFromString('--expose-gc');
        const gc = vm.runInNewContext('gc') as () => void;
        gc();
        const before = process.memoryUsage().heapUsed;
        const { elapsedMs, status, content } = await testAgainst('huge');
        expect(status).toBe(200);
        expect(content.delivery.responseExcerpt).toBe('x'.repeat(1024));
        expect(elapsedMs).toBeLessThan(10000 + GRACE_MS);
        await world.host.get('webhook.deliveries', {
            user: USERS.admin,
            headers: { 'X-User-Id': USERS.admin.id, 'X-Auth-Token': `auth-token-of-${USERS.admin.username}` },
        });
        gc();
        const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
        expect(grownMb).toBeLessThan(10);
    });
});
