// Reads the workspace's own permission table (`GET <Site_Url>/api/v1/permissions.listAll`) with
// the caller's credentials, and says why when it cannot.
import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';
import type { CallerCredentials } from './PermissionGuard';

const PERMISSION = 'view-livechat-webhooks';
const LOOKUP_TIMEOUT_MS = 5000;

/**
 * Why the table could not be read. `opensFallback`: the server could not be reached or answered
 * 5xx or something that is not JSON (it is down or starting); never for 401, 403 or 429 (which a
 * caller can provoke on purpose) nor for an answer that reached the server but is unusable.
 */
export interface LookupFailure {
    what: 'site-url-empty' | 'site-url-invalid' | 'unreachable' | 'timeout' | 'status' | 'not-json' | 'not-listed';
    status?: number;
    opensFallback: boolean;
    /** 401, 403, 429: a caller can make the look-up fail so on purpose. */
    provokable?: boolean;
}

export type Lookup = { ok: true; roles: Array<string> } | { ok: false; failure: LookupFailure };

export async function fetchRolesFromHost(read: IRead, http: IHttp, credentials: CallerCredentials): Promise<Lookup> {
    const siteUrl = await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url');
    if (typeof siteUrl !== 'string' || !siteUrl.trim()) {
        return fail({ what: 'site-url-empty', opensFallback: false });
    }
    if (!/^https?:\/\/[^/\s]+/i.test(siteUrl.trim())) {
        return fail({ what: 'site-url-invalid', opensFallback: false });
    }
    let response;
    try {
        const request = http.get(`${siteUrl.trim().replace(/\/+$/, '')}/api/v1/permissions.listAll`, {
            headers: { 'X-User-Id': credentials.userId, 'X-Auth-Token': credentials.authToken },
            timeout: LOOKUP_TIMEOUT_MS,
        });
        response = await withDeadline(request, LOOKUP_TIMEOUT_MS + DEADLINE_GRACE_MS);
    } catch {
        return fail({ what: 'unreachable', opensFallback: true });
    }
    if (response === DEADLINE_PASSED) {
        return fail({ what: 'timeout', opensFallback: true });
    }
    if (!response || typeof response.statusCode !== 'number') {
        // Older hosts resolve undefined instead of rejecting on network errors.
        return fail({ what: 'unreachable', opensFallback: true });
    }
    if (response.statusCode !== 200) {
        const status = response.statusCode;
        return fail({ what: 'status', status, opensFallback: status >= 500, provokable: status === 401 || status === 403 || status === 429 });
    }
    const body = responseBody(response.data, response.content);
    if (body === undefined) {
        return fail({ what: 'not-json', opensFallback: true });
    }
    const roles = rolesGranting(body, PERMISSION);
    return roles ? { ok: true, roles } : fail({ what: 'not-listed', opensFallback: false });
}

/** For logs and answers; never holds a URL or a credential. */
export function describeLookupFailure(failure: LookupFailure): string {
    switch (failure.what) {
        case 'site-url-empty':
            return 'the Site_Url server setting is empty';
        case 'site-url-invalid':
            return 'the Site_Url server setting is not an http(s) URL';
        case 'unreachable':
            return 'permissions.listAll could not be reached';
        case 'timeout':
            return `permissions.listAll did not answer within ${LOOKUP_TIMEOUT_MS} ms`;
        case 'status':
            return `permissions.listAll answered ${failure.status}`;
        case 'not-json':
            return 'permissions.listAll did not answer JSON';
        case 'not-listed':
            return `permissions.listAll did not list ${PERMISSION}`;
    }
}

function fail(failure: LookupFailure): Lookup {
    return { ok: false, failure };
}

function responseBody(data: unknown, content: string | undefined): unknown {
    if (data && typeof data === 'object') {
        return data;
    }
    try {
        return JSON.parse(content || '');
    } catch {
        return undefined;
    }
}

/** The roles the host's `permissions.listAll` answer grants `permission`, or undefined when it is not listed. */
export function rolesGranting(body: unknown, permission: string): Array<string> | undefined {
    const update = body && typeof body === 'object' ? (body as { update?: unknown }).update : undefined;
    if (!Array.isArray(update)) {
        return undefined;
    }
    const entry = update.find((item) => item && typeof item === 'object' && item._id === permission);
    if (!entry || !Array.isArray(entry.roles)) {
        return undefined;
    }
    return entry.roles.filter((role: unknown): role is string => typeof role === 'string');
}
