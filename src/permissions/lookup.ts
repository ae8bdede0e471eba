// Reads the workspace's own permission table (`GET <Site_Url>/api/v1/permissions.listAll`) with
// the caller's credentials (or the app's permission reader's), and says why when it cannot.
import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';
import { bodyText, parseJson } from '../util/bodyText';
import { render, t, Text } from '../i18n/text';

/** REST credentials: the caller's own, or the app's permission reader's (its settings). */
export interface CallerCredentials {
    userId: string;
    authToken: string;
}

/** The permissions the app decides with: who may use it, and who may see an Omnichannel room's conversation. */
export const PERMISSIONS = {
    webhooks: 'view-livechat-webhooks',
    rooms: 'view-livechat-rooms',
    closedByAnother: 'view-livechat-room-closed-by-another-agent',
} as const;

/** The roles each permission is granted to, by the workspace's table. */
export type Grants = { [permission: string]: Array<string> };

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

export type Lookup = { ok: true; grants: Grants } | { ok: false; failure: LookupFailure };

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
            // Raw bytes: nothing the host parses for the app can hold a key that breaks the engine.
            encoding: null,
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
    const body = parseJson(bodyText(response.content));
    if (body === undefined) {
        return fail({ what: 'not-json', opensFallback: true });
    }
    const webhooks = rolesGranting(body, PERMISSIONS.webhooks);
    if (!webhooks) {
        return fail({ what: 'not-listed', opensFallback: false });
    }
    // The room permissions are optional in an answer: one that is not listed grants nobody.
    const grants: Grants = { [PERMISSIONS.webhooks]: webhooks };
    for (const permission of [PERMISSIONS.rooms, PERMISSIONS.closedByAnother]) {
        grants[permission] = rolesGranting(body, permission) || [];
    }
    return { ok: true, grants };
}

/** For answers; never holds a URL or a credential. */
export function lookupFailureText(failure: LookupFailure): Text {
    switch (failure.what) {
        case 'site-url-empty':
            return t('lookup.siteUrlEmpty');
        case 'site-url-invalid':
            return t('lookup.siteUrlInvalid');
        case 'unreachable':
            return t('lookup.unreachable');
        case 'timeout':
            return t('lookup.timeout', { ms: LOOKUP_TIMEOUT_MS });
        case 'status':
            return t('lookup.status', { status: failure.status });
        case 'not-json':
            return t('lookup.notJson');
        case 'not-listed':
            return t('lookup.notListed', { permission: PERMISSIONS.webhooks });
    }
}

/** For logs: English. */
export function describeLookupFailure(failure: LookupFailure): string {
    return render(lookupFailureText(failure), 'en');
}

function fail(failure: LookupFailure): Lookup {
    return { ok: false, failure };
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
