import { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';
import { Log } from '../util/log';

export const WEBHOOK_PERMISSION = 'view-livechat-webhooks';
export const ROLE_CACHE_TTL_MS = 60000;
const LOOKUP_TIMEOUT_MS = 5000;

/** The caller's own REST credentials, used to read the host's permission table on their behalf. */
export interface CallerCredentials {
    userId: string;
    authToken: string;
}

/** Where the allowed roles came from: the host's table (fresh or cached) or the fallback setting. */
export type RoleSource = 'host' | 'host-cache' | 'fallback';

export interface PermissionDecision {
    allowed: boolean;
    allowedRoles: Array<string>;
    source: RoleSource;
}

export interface PermissionCheck {
    read: IRead;
    http: IHttp;
    credentials?: CallerCredentials;
    fallbackRoles: Array<string>;
}

/**
 * Decides `view-livechat-webhooks` from the host's own permission table (`permissions.listAll`),
 * cached for a minute since it is the same for every user; the fallback roles apply only when
 * the table cannot be read.
 */
export class PermissionGuard {
    private cached?: { roles: Array<string>; fetchedAt: number };

    constructor(
        private readonly logger: Log,
        private readonly now: () => number = Date.now,
        private readonly ttlMs: number = ROLE_CACHE_TTL_MS,
    ) {}

    public async check(user: IUser, check: PermissionCheck): Promise<PermissionDecision> {
        const { roles, source } = await this.allowedRoles(check);
        const userRoles = Array.isArray(user.roles) ? user.roles : [];
        return { allowed: userRoles.some((role) => roles.includes(role)), allowedRoles: roles, source };
    }

    private async allowedRoles(check: PermissionCheck): Promise<{ roles: Array<string>; source: RoleSource }> {
        if (this.cached && this.now() - this.cached.fetchedAt < this.ttlMs) {
            return { roles: this.cached.roles, source: 'host-cache' };
        }
        if (!check.credentials) {
            return { roles: check.fallbackRoles, source: 'fallback' };
        }
        try {
            const roles = await fetchRolesFromHost(check.read, check.http, check.credentials);
            this.cached = { roles, fetchedAt: this.now() };
            return { roles, source: 'host' };
        } catch (error) {
            this.logger.warn(
                `Could not read the host's permission table (${error instanceof Error ? error.message : 'unknown error'}); ` +
                `using the fallback roles from permission_fallback_roles: ${check.fallbackRoles.join(', ') || '(none)'}`,
            );
            return { roles: check.fallbackRoles, source: 'fallback' };
        }
    }
}

async function fetchRolesFromHost(read: IRead, http: IHttp, credentials: CallerCredentials): Promise<Array<string>> {
    const siteUrl = await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url');
    if (typeof siteUrl !== 'string' || !siteUrl.trim()) {
        throw new Error('the Site_Url server setting is empty');
    }
    const request = http.get(`${siteUrl.trim().replace(/\/+$/, '')}/api/v1/permissions.listAll`, {
        headers: { 'X-User-Id': credentials.userId, 'X-Auth-Token': credentials.authToken },
        timeout: LOOKUP_TIMEOUT_MS,
    });
    const response = await withDeadline(request, LOOKUP_TIMEOUT_MS + DEADLINE_GRACE_MS);
    if (response === DEADLINE_PASSED) {
        throw new Error(`permissions.listAll did not answer within ${LOOKUP_TIMEOUT_MS} ms`);
    }
    if (!response || response.statusCode !== 200) {
        throw new Error(`permissions.listAll answered ${response ? response.statusCode : 'nothing'}`);
    }
    const roles = rolesGranting(responseBody(response.data, response.content), WEBHOOK_PERMISSION);
    if (!roles) {
        throw new Error(`permissions.listAll did not list ${WEBHOOK_PERMISSION}`);
    }
    return roles;
}

function responseBody(data: unknown, content: string | undefined): unknown {
    if (data && typeof data === 'object') {
        return data;
    }
    try {
        return JSON.parse(content || '');
    } catch {
        throw new Error('permissions.listAll did not answer JSON');
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
