// One network policy for test and real delivery: the app refuses literal private addresses in every
// spelling (unless allowed), asks the host for its SSRF check on every request, and reports the
// host's refusal the same way. Property-based checks compare the app with Node's own BlockList.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { parseAllowedHosts, checkUrlPolicy } from '../src/network/urlPolicy';
import { isBlockedByHost } from './host/loopbackHttp';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
});

afterEach(async () => {
    await world.close();
});

const sentTo = (fragment: string) => world.host.http.sent.filter((request) => request.url.includes(fragment));

describe("the app's own policy", () => {
    it.each([
        'http://127.0.0.1:9/x',
        'http://2130706433/x',
        'http://0x7f000001/x',
        'http://0177.0.0.1/x',
        'http://127.1/x',
        'http://0x7f.0.0.1/x',
        'http://0/x',
        'http://0.0.0.0/x',
        'http://[::1]/x',
        'http://[::]/x',
        'http://[::ffff:127.0.0.1]/x',
        'http://[::ffff:7f00:1]/x',
        'http://[0:0:0:0:0:ffff:a9fe:a9fe]/x',
        'http://[::127.0.0.1]/x',
        'http://[64:ff9b::a9fe:a9fe]/x',
        'http://localhost/x',
        'http://LOCALHOST./x',
        'http://api.localhost/x',
        'http://169.254.169.254/latest/meta-data/',
        'http://metadata.google.internal/computeMetadata/v1/',
        'http://100.100.100.200/latest/meta-data/',
        'http://10.0.0.1/x',
        'http://172.16.5.4/x',
        'http://192.168.1.1/x',
        'http://[fd00:ec2::254]/x',
        'http://[fe80::1]/x',
        'https://crm:secret@crm.example.com/x',
        'ftp://crm.example.com/x',
        'file:///etc/passwd',
        'gopher://127.0.0.1:6379/_INFO',
    ])('refuses %s before sending, with a hint naming allowed_private_hosts', async (url) => {
        world.host.settings.set('allowed_private_hosts', '');
        const response = await world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { url } });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-ssrf-validation-failed', delivery: { verdict: 'refused', errorKind: 'ssrf' } });
        if (!url.includes('@') && url.startsWith('http')) {
            expect((response.content as any).reason).toContain('allowed_private_hosts');
        }
        // ("secretsSent" is a field name, not a secret.)
        expect(JSON.stringify(response.content).replace(/"secretsSent"/g, '')).not.toContain('secret');
        expect(world.host.http.sent.filter((request) => request.options.ssrfValidation)).toHaveLength(0);
    });

    it('allows a private receiver listed by host, host:port or CIDR, and no other', async () => {
        const { port } = new URL(world.receiver.url);
        for (const allowed of ['127.0.0.1', `127.0.0.1:${port}`, '127.0.0.0/8', ' 10.0.0.0/8 , 127.0.0.1/32 ']) {
            world.host.settings.set('allowed_private_hosts', allowed);
            expect((await world.testAs(USERS.admin)).status).toBe(200);
        }
        for (const refused of ['127.0.0.2', '127.0.0.1:1', '10.0.0.0/8', 'localhost']) {
            world.host.settings.set('allowed_private_hosts', refused);
            expect((await world.testAs(USERS.admin)).content).toMatchObject({ error: 'error-ssrf-validation-failed' });
        }
        expect(world.receiver.requests).toHaveLength(4);
    });

    it('answers a clear setting error for an allowed_private_hosts entry it cannot read', async () => {
        world.host.settings.set('allowed_private_hosts', '127.0.0.1, 10.0.0.0/33');
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-setting' });
        expect((response.content as any).reason).toContain('allowed_private_hosts');
        expect(world.receiver.requests).toHaveLength(0);
    });
});

describe("the host's SSRF check", () => {
    it("is asked for on every delivery, but not on the app's own call to the host", async () => {
        await world.testAs(USERS.admin);
        const delivery = sentTo('/webhook');
        const lookUp = sentTo('permissions.listAll');
        expect(delivery[0].options.ssrfValidation).toBe(true);
        expect(lookUp.length).toBeGreaterThan(0);
        expect(lookUp[0].options.ssrfValidation).toBeUndefined();
    });

    it('refuses what the app allows but the workspace does not: reported the same way, naming both settings', async () => {
        world.host.http.ssrfAllowlist = '';
        const response = await world.testAs(USERS.admin);
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-ssrf-validation-failed', delivery: { verdict: 'refused', errorKind: 'ssrf' } });
        expect((response.content as any).delivery.hint).toContain('SSRF_Allowlist');
        expect((response.content as any).delivery.hint).toContain('allowed_private_hosts');
        expect(world.receiver.requests).toHaveLength(0);
        // The permission look-up to the host itself (also on loopback) still worked: the answer is not a 403.
        expect(world.permissionHost.calls.length).toBeGreaterThan(0);
    });
});

describe('testing a URL before saving it', () => {
    it('tests the URL given in the body instead of the saved one', async () => {
        const saved = world.receiver.url;
        world.host.settings.set('webhook_url', 'https://saved.example.com/hook');
        const response = await world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { url: saved } });
        expect(response.status).toBe(200);
        expect(response.content).toMatchObject({ urlSource: 'request', url: saved });
        expect(world.receiver.requests).toHaveLength(1);
        expect(sentTo('saved.example.com')).toHaveLength(0);
    });

    it.each([
        ['an empty string', ''],
        ['spaces', '   '],
        ['a tab and spaces', ' \t '],
    ])('answers 400 error-invalid-params to a blank url (%s), never testing the saved URL instead', async (_name, url) => {
        const response = await world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { url } });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ error: 'error-invalid-params' });
        expect((response.content as any).reason).toContain('"url"');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('needs the same permission', async () => {
        const response = await world.host.post('webhook.test', {
            user: USERS.plain,
            headers: credentialsOf(USERS.plain),
            content: { url: world.receiver.url },
        });
        expect(response.status).toBe(403);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('works from the slash command: `url <https://…> [event]`', async () => {
        world.host.settings.set('webhook_url', '');
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['url', `<${world.receiver.url}>`, 'Message']);
        expect(JSON.parse(world.receiver.requests[0].body).type).toBe('Message');
        expect(world.host.notifier.toUsers[0].message.text).toContain('Delivered');
    });
});

describe('properties of the URL policy', () => {
    const hostBlocks = (address: string) => isBlockedByHost(address);
    const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    const spellings = (n: number): Array<string> => {
        const parts = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
        return [
            dotted(n),
            String(n),
            `0x${n.toString(16)}`,
            parts.map((part) => `0${part.toString(8)}`).join('.'),
            parts.map((part) => `0x${part.toString(16)}`).join('.'),
            `${parts[0]}.${(parts[1] << 16) | (parts[2] << 8) | parts[3]}`,
            `[::ffff:${dotted(n)}]`,
        ];
    };

    it('never throws, whatever the text', () => {
        fc.assert(
            fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 60 }), (raw, allowed) => {
                const parsed = parseAllowedHosts(allowed);
                const result = checkUrlPolicy(raw, parsed.ok ? parsed.hosts : []);
                expect(typeof result.ok).toBe('boolean');
            }),
            { numRuns: 2000 },
        );
    });

    it("refuses an IPv4 address in every spelling exactly when the host's ranges hold it", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
                const blocked = hostBlocks(dotted(n));
                for (const spelling of spellings(n)) {
                    const result = checkUrlPolicy(`http://${spelling}/hook`, []);
                    // IPv4-mapped IPv6 is refused whole, as the host's ::ffff:0:0/96 range does.
                    const expected = spelling.startsWith('[::ffff:') ? false : !blocked;
                    expect({ spelling, ok: result.ok }).toEqual({ spelling, ok: expected });
                }
            }),
            { numRuns: 3000 },
        );
    });

    it('refuses every private, loopback and metadata IPv4 address the host refuses, in a biased sample', () => {
        const privateish = fc.oneof(
            fc.tuple(fc.constantFrom(10, 127), fc.nat(255), fc.nat(255), fc.nat(255)),
            fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
            fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
            fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
            fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
        );
        fc.assert(
            fc.property(privateish, (parts) => {
                const n = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
                for (const spelling of spellings(n)) {
                    expect(checkUrlPolicy(`https://${spelling}:8443/hook`, []).ok).toBe(false);
                }
            }),
            { numRuns: 2000 },
        );
    });

    it("refuses an IPv6 address whenever the host's ranges hold it", () => {
        const group = fc.integer({ min: 0, max: 0xffff });
        const address = fc.oneof(
            fc.array(group, { minLength: 8, maxLength: 8 }),
            fc
                .tuple(fc.constantFrom(0xfc00, 0xfd00, 0xfe80, 0xff02, 0x2001, 0x2002, 0x64), fc.array(group, { minLength: 7, maxLength: 7 }))
                .map(([head, rest]) => [head, ...rest]),
        );
        fc.assert(
            fc.property(address, (groups) => {
                const text = groups.map((value) => value.toString(16)).join(':');
                if (hostBlocks(text)) {
                    expect(checkUrlPolicy(`http://[${text}]/hook`, []).ok).toBe(false);
                }
            }),
            { numRuns: 3000 },
        );
    });
});
