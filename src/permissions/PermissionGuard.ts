import { IHttp, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { Log } from '../util/log';
import { describeLookupFailure, fetchRolesFromHost, LookupFailure } from './lookup';
import { StoredTable } from './StoredTable';

export { rolesGranting } from './lookup';

export const WEBHOOK_PERMISSION = 'view-livechat-webhooks';
export const ROLE_CACHE_TTL_MS = 60 * 1000;
/** How old a stored table may be and still decide when the live look-up is impossible or fails. */
export const STORED_TABLE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How old a stored table may be when the look-up failed in a way the caller can provoke (401, 403, 429). */
export const PROVOKED_TABLE_MAX_AGE_MS = 5 * 60 * 1000;
/** Suggested wait after a look-up the workspace refused (401, 403, 429). */
export const RETRY_AFTER_SECONDS = 60;

/** The caller's own REST credentials, used to read the host's permission table on their behalf. */
export interface CallerCredentials {
    userId: string;
    authToken: string;
}

/**
 * Where the allowed roles came from: the host's table (`host` now, `host-cache` read by this
 * instance in the last minute, `host-stored` read by any instance in the last 24 h) or the
 * fallback setting.
 */
export type RoleSource = 'host' | 'host-cache' | 'host-stored' | 'fallback';

export type PermissionDecision =
    | { kind: 'decided'; allowed: boolean; allowedRoles: Array<string>; source: RoleSource }
    /** No table to decide with: the answer is 503 and nothing is sent. */
    | { kind: 'unavailable'; reason: string; retryAfterSeconds?: number };

export interface PermissionCheck {
    read: IRead;
    http: IHttp;
    /** Where a table read successfully is kept for other instances and later calls without credentials. */
    persis: IPersistence;
    credentials?: CallerCredentials;
    fallbackRoles: Array<string>;
}

/**
 * Decides `view-livechat-webhooks` from the host's own permission table (`permissions.listAll`),
 * read with the caller's credentials. It fails closed:
 * 1. a table this instance read in the last minute decides;
 * 2. else, with credentials, the live table decides (and is stored with its time);
 * 3. else (no credentials, or the look-up failed) the last stored table decides, up to 24 h old
 *    (5 min when the look-up answered 401, 403 or 429, which a caller can provoke);
 * 4. else the fallback roles decide, but only when the server could not be reached or answered
 *    5xx or something that is not JSON; a 401, 403 or 429, an unusable answer, or a call without
 *    credentials gets `unavailable`.
 */
export class PermissionGuard {
    private cached?: { roles: Array<string>; fetchedAt: number };
    private readonly stored = new StoredTable();

    constructor(
        private readonly logger: Log,
        private readonly now: () => number = Date.now,
        private readonly ttlMs: number = ROLE_CACHE_TTL_MS,
    ) {}

    public async check(user: IUser, check: PermissionCheck): Promise<PermissionDecision> {
        const roles = await this.allowedRoles(check);
        if (!('roles' in roles)) {
            return roles;
        }
        const userRoles = Array.isArray(user.roles) ? user.roles : [];
        return { kind: 'decided', allowed: userRoles.some((role) => roles.roles.includes(role)), allowedRoles: roles.roles, source: roles.source };
    }

    private async allowedRoles(
        check: PermissionCheck,
    ): Promise<{ roles: Array<string>; source: RoleSource } | Extract<PermissionDecision, { kind: 'unavailable' }>> {
        const now = this.now();
        if (this.cached && now - this.cached.fetchedAt < this.ttlMs) {
            return { roles: this.cached.roles, source: 'host-cache' };
        }
        let failure: LookupFailure | undefined;
        if (check.credentials) {
            const looked = await fetchRolesFromHost(check.read, check.http, check.credentials);
            if (looked.ok) {
                this.cached = { roles: looked.roles, fetchedAt: now };
                this.stored.save(check.persis, check.read.getPersistenceReader(), looked.roles, now).catch((error) => {
                    this.logger.warn(`Could not store the permission table: ${error instanceof Error ? error.message : 'unknown error'}`);
                });
                return { roles: looked.roles, source: 'host' };
            }
            failure = looked.failure;
        }
        const stored = await this.stored.load(check.read.getPersistenceReader());
        // A caller can provoke a 401, 403 or 429 on purpose: then only a recent table decides, so that a
        // role the workspace took the permission from cannot keep it by making the look-up fail.
        const maxAge = failure && failure.provokable ? PROVOKED_TABLE_MAX_AGE_MS : STORED_TABLE_MAX_AGE_MS;
        if (stored && now - stored.fetchedAt < maxAge && stored.fetchedAt <= now + this.ttlMs) {
            if (failure) {
                this.logger.warn(
                    `Could not read the workspace's permission table (${describeLookupFailure(failure)}); deciding with the table read ${ageText(now - stored.fetchedAt)} ago.`,
                );
            }
            return { roles: stored.roles, source: 'host-stored' };
        }
        if (failure && failure.opensFallback) {
            this.logger.warn(
                `Could not read the workspace's permission table (${describeLookupFailure(failure)}) and none was read in the last 24 h; ` +
                    `using the fallback roles from permission_fallback_roles: ${check.fallbackRoles.join(', ') || '(none)'}`,
            );
            return { roles: check.fallbackRoles, source: 'fallback' };
        }
        return this.unavailable(failure);
    }

    private unavailable(failure: LookupFailure | undefined): Extract<PermissionDecision, { kind: 'unavailable' }> {
        const start = `Could not check the ${WEBHOOK_PERMISSION} permission, so nothing was sent`;
        if (!failure) {
            this.logger.warn(`${start}: the call carries no credentials and no permission table was read in the last 24 h.`);
            return {
                kind: 'unavailable',
                reason:
                    `${start}: slash commands and buttons carry no credentials to read the workspace's permission table, and no table was read in the last 24 h. ` +
                    "Call one of the app's endpoints once with your X-User-Id and X-Auth-Token (e.g. GET webhook.events), then try again.",
            };
        }
        this.logger.warn(`${start}: ${describeLookupFailure(failure)}, and no permission table was read in the last 24 h.`);
        const refused = !!failure.provokable;
        if (refused) {
            return {
                kind: 'unavailable',
                reason: `${start}: the workspace refused to show its permission table (${describeLookupFailure(failure)}). Try again in a minute.`,
                retryAfterSeconds: RETRY_AFTER_SECONDS,
            };
        }
        return {
            kind: 'unavailable',
            reason: `${start}: ${describeLookupFailure(failure)}. Check that the Site_Url server setting is this workspace's own address.`,
        };
    }
}

function ageText(ms: number): string {
    const minutes = Math.max(0, Math.round(ms / 60000));
    return minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
