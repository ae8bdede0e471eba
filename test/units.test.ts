// Pure pieces, checked against fixed inputs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { PermissionGuard, rolesGranting } from '../src/permissions/PermissionGuard';
import { parseRoleList, parseTimeoutMs } from '../src/settings/settings';
import { buildDeliveryHeaders } from '../src/delivery/delivery';
import { describeUserAgent } from '../src/payloads/conversation';
import { redactUrl } from '../src/network/url';
import { checkUrlPolicy } from '../src/network/urlPolicy';
import { CapturingLogger } from './host/fakes';
import { LocalHost } from './host/localHost';
import { PermissionHost, startPermissionHost } from './host/permissionHost';
import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { AUTH_TOKENS, USERS } from './host/world';
import { render, Text } from '../src/i18n/text';

describe('rolesGranting', () => {
    const table = {
        update: [
            { _id: 'manage-apps', roles: ['admin'] },
            { _id: 'view-livechat-webhooks', roles: ['admin', 'crm', 7] },
        ],
        remove: [],
        success: true,
    };

    it('returns the roles of the matching entry, strings only', () => {
        expect(rolesGranting(table, 'view-livechat-webhooks')).toEqual(['admin', 'crm']);
    });

    it.each([
        ['a table without the permission', { update: [{ _id: 'manage-apps', roles: ['admin'] }] }],
        ['an entry without roles', { update: [{ _id: 'view-livechat-webhooks' }] }],
        ['no update list', { success: true }],
        ['null', null],
        ['a string', 'update'],
        ['an update list of junk', { update: [null, 3, 'x'] }],
    ])('is undefined for %s', (_name, body) => {
        expect(rolesGranting(body, 'view-livechat-webhooks')).toBeUndefined();
    });

    it('accepts an entry that grants no role', () => {
        expect(rolesGranting({ update: [{ _id: 'view-livechat-webhooks', roles: [] }] }, 'view-livechat-webhooks')).toEqual([]);
    });
});

describe('PermissionGuard: cache, stored table, fallback', () => {
    let permissionHost: PermissionHost;
    let host: LocalHost;

    beforeAll(async () => {
        permissionHost = await startPermissionHost(AUTH_TOKENS);
        host = await LocalHost.load(LivechatWebhookTestApp);
        host.serverSettings.set('Site_Url', permissionHost.siteUrl);
    });

    afterAll(async () => {
        await permissionHost.close();
    });

    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('reuses the host roles for 60 s, then the stored table for 24 h, then refuses to guess', async () => {
        let now = 1_000_000;
        const guard = new PermissionGuard(() => now);
        const check = {
            read: host.read(),
            http: host.http,
            persis: host.persistence(),
            credentials: { userId: USERS.admin.id, authToken: AUTH_TOKENS[USERS.admin.id] },
            fallbackRoles: ['admin', 'livechat-manager'],
            log: new CapturingLogger(),
        };
        expect(await guard.check(USERS.manager, check)).toMatchObject({ allowed: true, source: 'host' });
        await settle();
        now += 59_999;
        expect(await guard.check(USERS.manager, { ...check, credentials: undefined })).toMatchObject({ allowed: true, source: 'host-cache' });
        now += 1;
        expect(await guard.check(USERS.manager, { ...check, credentials: undefined })).toMatchObject({ allowed: true, source: 'host-stored' });
        now += 24 * 60 * 60 * 1000 - 60_001;
        expect(await guard.check(USERS.manager, { ...check, credentials: undefined })).toMatchObject({ allowed: true, source: 'host-stored' });
        now += 1;
        expect(await guard.check(USERS.manager, { ...check, credentials: undefined })).toMatchObject({ kind: 'unavailable' });
        permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['admin'] }]);
        expect(await guard.check(USERS.manager, check)).toMatchObject({ allowed: false, source: 'host', allowedRoles: ['admin'] });
        expect(permissionHost.calls).toHaveLength(2);
    });

    it('after a 401, 403 or 429 (which a caller can provoke) trusts a stored table only for 5 min', async () => {
        let now = 5_000_000;
        const reader = new PermissionGuard(() => now);
        const check = {
            read: host.read(),
            http: host.http,
            persis: host.persistence(),
            credentials: { userId: USERS.admin.id, authToken: AUTH_TOKENS[USERS.admin.id] },
            fallbackRoles: ['admin', 'livechat-manager'],
            log: new CapturingLogger(),
        };
        permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['admin', 'livechat-manager'] }]);
        expect(await reader.check(USERS.manager, check)).toMatchObject({ allowed: true, source: 'host' });
        await settle();
        // The workspace takes the permission from livechat-manager; the manager makes the look-up fail with 429.
        permissionHost.setTable([{ _id: 'view-livechat-webhooks', roles: ['admin'] }]);
        permissionHost.setFault('status-429');
        const guard = new PermissionGuard(() => now);
        const asManager = { ...check, credentials: { userId: USERS.manager.id, authToken: AUTH_TOKENS[USERS.manager.id] } };
        now += 5 * 60 * 1000 - 1;
        expect(await guard.check(USERS.manager, asManager)).toMatchObject({ source: 'host-stored' });
        now += 1;
        expect(await guard.check(USERS.manager, asManager)).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 60 });
        // Without credentials (a button) the stored table still decides, up to 24 h.
        expect(await guard.check(USERS.manager, { ...asManager, credentials: undefined })).toMatchObject({ source: 'host-stored' });
        permissionHost.setFault('none');
    });

    it('does not take a Site_Url without a scheme for an outage: no fallback', async () => {
        const other = await LocalHost.load(LivechatWebhookTestApp);
        other.serverSettings.set('Site_Url', 'chat.example.com');
        const guard = new PermissionGuard();
        const check = {
            read: other.read(),
            http: other.http,
            persis: other.persistence(),
            credentials: { userId: 'u', authToken: 't' },
            fallbackRoles: ['livechat-manager'],
            log: new CapturingLogger(),
        };
        const decision = await guard.check(USERS.manager, check);
        expect(decision).toMatchObject({ kind: 'unavailable' });
        expect(render((decision as { reason: Text }).reason, 'en')).toContain('Site_Url');
    });

    it('treats a user without roles as holding none', async () => {
        const guard = new PermissionGuard();
        const user = { ...USERS.admin, roles: undefined as unknown as Array<string> };
        const check = {
            read: host.read(),
            http: host.http,
            persis: host.persistence(),
            credentials: { userId: USERS.admin.id, authToken: AUTH_TOKENS[USERS.admin.id] },
            fallbackRoles: ['admin'],
            log: new CapturingLogger(),
        };
        expect(await guard.check(user, check)).toMatchObject({ allowed: false });
    });
});

describe('settings helpers', () => {
    it.each([
        ['admin,livechat-manager', ['admin', 'livechat-manager']],
        [' admin , , crm ,', ['admin', 'crm']],
        ['', []],
    ])('parseRoleList(%j)', (input, roles) => {
        expect(parseRoleList(input)).toEqual(roles);
    });

    it.each([
        [5000, 5000],
        ['250', 250],
        [1, 1],
        [120000, 120000],
        [0, undefined],
        [120001, undefined],
        [2.5, undefined],
        ['2.5', undefined],
        ['', undefined],
        ['   ', undefined],
        [null, undefined],
        [true, undefined],
        [Number.NaN, undefined],
    ])('parseTimeoutMs(%j) is %j', (input, expected) => {
        expect(parseTimeoutMs(input)).toBe(expected);
    });
});

describe('URL helpers', () => {
    it.each([
        ['https://crm.example.com/hooks/rc', 'https://crm.example.com/hooks/rc'],
        ['https://user:pass@crm.example.com/x?token=abc#frag', 'https://***@crm.example.com/x?***'],
        ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
        ['nonsense', '(invalid URL)'],
    ])('redactUrl(%j) = %j', (input, expected) => {
        expect(redactUrl(input)).toBe(expected);
    });

    it('accepts http and https only', () => {
        expect(checkUrlPolicy('https://crm.example.com/x', []).ok).toBe(true);
        expect(checkUrlPolicy('http://crm.example.com/x', []).ok).toBe(true);
        expect(checkUrlPolicy('file:///etc/passwd', []).ok).toBe(false);
        expect(checkUrlPolicy('crm.example.com/x', []).ok).toBe(false);
    });

    it('never echoes the rejected text', () => {
        const check = checkUrlPolicy('htp//user:hunter2@crm', []);
        expect(check.ok).toBe(false);
        expect(JSON.stringify(check)).not.toContain('hunter2');
    });
});

describe('buildDeliveryHeaders', () => {
    it('sends the token only when set', () => {
        expect(buildDeliveryHeaders('')).toEqual({ 'Content-Type': 'application/json', 'Accept': 'application/json' });
        expect(buildDeliveryHeaders('t')).toEqual({ 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-RocketChat-Livechat-Token': 't' });
    });
});

describe('describeUserAgent', () => {
    it.each([
        [
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36',
            'Windows 10',
            'Chrome 120.0.6099.71',
        ],
        [
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61',
            'Windows 10',
            'Edge 120.0.2210.61',
        ],
        [
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
            'Mac OS 10.15.7',
            'Safari 17.1',
        ],
        ['Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Linux x86_64', 'Firefox 121.0'],
        [
            'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
            'iOS 17.1',
            'Safari 17.1',
        ],
        [
            'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36',
            'Android 14',
            'Chrome 119.0.6045.163',
        ],
    ])('%s', (userAgent, os, browser) => {
        expect(describeUserAgent(userAgent)).toEqual({ os, browser });
    });

    it('leaves out what it does not recognise', () => {
        expect(describeUserAgent('curl/8.4.0')).toEqual({ os: undefined, browser: undefined });
        expect(describeUserAgent(undefined)).toEqual({});
    });
});
