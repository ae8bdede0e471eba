import { IHttp, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import type { Log } from '../call/log';
import { CallerCredentials, describeLookupFailure, fetchRolesFromHost, lookupFailureText, Grants, Lookup, LookupFailure, PERMISSIONS } from './lookup';
import { StoredTable } from './StoredTable';
import { render, t, Text } from '../i18n/text';

export { rolesGranting } from './lookup';

export const WEBHOOK_PERMISSION = PERMISSIONS.webhooks;
export const ADMIN_ROLE = 'admin';
export const ROLE_CACHE_TTL_MS = 60 * 1000;
/** How old a stored table may be and still decide when the live look-up is impossible or fails. */
export const STORED_TABLE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How old a stored table may be when the look-up failed in a way the caller can provoke (401, 403, 429). */
export const PROVOKED_TABLE_MAX_AGE_MS = 5 * 60 * 1000;
/** Suggested wait after a look-up the workspace refused (401, 403, 429). */
export const RETRY_AFTER_SECONDS = 60;

export type { CallerCredentials };

/**
 * Where the decision came from: the host's table (`host` now, `host-cache` read by this instance
 * in the last minute, `host-stored` read by any instance in the last 24 h), the fallback setting,
 * or, when there is no table at all, the caller's `admin` role (first use: nothing read yet).
 */
export type RoleSource = 'host' | 'host-cache' | 'host-stored' | 'fallback' | 'admin-role';

export type PermissionDecision =
    | {
          kind: 'decided';
          allowed: boolean;
          allowedRoles: Array<string>;
          source: RoleSource;
          /** The table's grants of the room permissions; absent when none was read (the fallback, an admin without one). */
          grants?: Grants;
      }
    /** No table to decide with: the answer is 503 and nothing is sent. */
    | { kind: 'unavailable'; reason: Text; retryAfterSeconds?: number };

export interface PermissionCheck {
    read: IRead;
    http: IHttp;
    /** Where a table read successfully is kept for other instances and later calls without credentials. */
    persis: IPersistence;
    /** The call's log. */
    log: Log;
    credentials?: CallerCredentials;
    /** The app's permission reader: reads the table for calls that carry no credentials (slash commands, the panel). */
    reader?: CallerCredentials;
    /** Why the reader's settings cannot be used, when an admin set them so. */
    readerProblem?: Text;
    fallbackRoles: Array<string>;
}

type Found = { grants: Grants; source: RoleSource };
type Unavailable = Extract<PermissionDecision, { kind: 'unavailable' }>;

/**
 * Decides `view-livechat-webhooks` from the host's own permission table (`permissions.listAll`), as
 * Rocket.Chat's hasPermission does: for admins too (there is no admin bypass there). It fails closed:
 * 1. a table this instance read in the last minute decides;
 * 2. else the live table decides, read with the caller's credentials, or the permission reader's
 *    when the caller brings none (and is stored with its time); one look-up at a time;
 * 3. else (no credentials at all, or the look-up failed) the last stored table decides, up to 24 h
 *    old (5 min when the look-up answered 401, 403 or 429 to the caller's own credentials);
 * 4. else the fallback roles decide, but only when the server could not be reached or answered
 *    5xx or something that is not JSON; anything else gets `unavailable`.
 */
export class PermissionGuard {
    private cached?: { grants: Grants; fetchedAt: number };
    private inFlight?: Promise<Lookup>;
    private readonly stored = new StoredTable();

    constructor(
        private readonly now: () => number = Date.now,
        private readonly ttlMs: number = ROLE_CACHE_TTL_MS,
    ) {}

    public async check(user: IUser, check: PermissionCheck): Promise<PermissionDecision> {
        const userRoles = Array.isArray(user.roles) ? user.roles : [];
        const found = await this.table(check, userRoles.includes(ADMIN_ROLE));
        if (!('grants' in found)) {
            // No table at all (nothing live, cached or stored, no fallback): first use; an admin may go on.
            return userRoles.includes(ADMIN_ROLE) ? { kind: 'decided', allowed: true, allowedRoles: [ADMIN_ROLE], source: 'admin-role' } : found;
        }
        const roles = found.grants[WEBHOOK_PERMISSION] || [];
        return {
            kind: 'decided',
            allowed: userRoles.some((role) => roles.includes(role)),
            allowedRoles: roles,
            source: found.source,
            ...(found.source !== 'fallback' && { grants: found.grants }),
        };
    }

    private fresh(): Found | undefined {
        return this.cached && this.now() - this.cached.fetchedAt < this.ttlMs ? { grants: this.cached.grants, source: 'host-cache' } : undefined;
    }

    /** `quiet`: an admin's call, allowed anyway when there is no table: nothing to warn about. */
    private async table(check: PermissionCheck, quiet = false): Promise<Found | Unavailable> {
        const fresh = this.fresh();
        if (fresh) {
            return fresh;
        }
        const now = this.now();
        const credentials = check.credentials || check.reader;
        const byReader = !check.credentials && !!check.reader;
        let failure: LookupFailure | undefined;
        if (credentials) {
            const looked = await this.lookUp(check, credentials);
            if (looked.ok) {
                return { grants: looked.grants, source: 'host' };
            }
            failure = looked.failure;
        }
        const stored = await this.stored.load(check.read.getPersistenceReader());
        // A caller can provoke a 401, 403 or 429 with their own credentials: then only a recent table
        // decides, so that a role the workspace took the permission from cannot keep it that way.
        // The reader's credentials are the admin's: only a 429 can be provoked (by calling often).
        const provoked = !!failure && !!failure.provokable && (!byReader || failure.status === 429);
        const maxAge = provoked ? PROVOKED_TABLE_MAX_AGE_MS : STORED_TABLE_MAX_AGE_MS;
        if (stored && now - stored.fetchedAt < maxAge && stored.fetchedAt <= now + this.ttlMs) {
            if (failure) {
                check.log.warn(
                    `Could not read the workspace's permission table (${describe(failure, byReader)}); deciding with the table read ${ageText(now - stored.fetchedAt)} ago.`,
                );
            }
            return { grants: stored.grants, source: 'host-stored' };
        }
        if (failure && failure.opensFallback) {
            check.log.warn(
                `Could not read the workspace's permission table (${describe(failure, byReader)}) and none was read in the last 24 h; ` +
                    `using the fallback roles from permission_fallback_roles: ${check.fallbackRoles.join(', ') || '(none)'}`,
            );
            return { grants: { [WEBHOOK_PERMISSION]: check.fallbackRoles }, source: 'fallback' };
        }
        return this.unavailable(quiet ? QUIET : check.log, failure, byReader, check.readerProblem);
    }

    /** One look-up at a time: concurrent calls share it (the table is the workspace's, whoever reads it). */
    private async lookUp(check: PermissionCheck, credentials: CallerCredentials): Promise<Lookup> {
        if (!this.inFlight) {
            const now = this.now();
            this.inFlight = fetchRolesFromHost(check.read, check.http, credentials)
                .then((looked) => {
                    if (looked.ok) {
                        this.cached = { grants: looked.grants, fetchedAt: now };
                        this.stored.save(check.persis, check.read.getPersistenceReader(), looked.grants, now).catch((error) => {
                            check.log.warn(`Could not store the permission table: ${error instanceof Error ? error.message : 'unknown error'}`);
                        });
                    }
                    return looked;
                })
                .finally(() => {
                    this.inFlight = undefined;
                });
        }
        return this.inFlight;
    }

    private unavailable(log: Pick<Log, 'warn'>, failure: LookupFailure | undefined, byReader: boolean, readerProblem?: Text): Unavailable {
        const start = `Could not check the ${WEBHOOK_PERMISSION} permission, so nothing was sent`;
        const permission = WEBHOOK_PERMISSION;
        if (!failure && readerProblem) {
            log.warn(`${start}: the permission reader cannot be used (${render(readerProblem, 'en')}).`);
            return { kind: 'unavailable', reason: t('permission.readerUnusable', { permission, problem: readerProblem }) };
        }
        if (!failure) {
            log.warn(`${start}: the call carries no credentials, no permission reader is set and no permission table was read in the last 24 h.`);
            return { kind: 'unavailable', reason: t('permission.noCredentials', { permission }) };
        }
        log.warn(`${start}: ${describe(failure, byReader)}, and no permission table was read in the last 24 h.`);
        if (byReader && (failure.status === 401 || failure.status === 403)) {
            return {
                kind: 'unavailable',
                reason: t('permission.readerRefused', { permission, failure: lookupFailureText(failure) }),
            };
        }
        if (failure.provokable) {
            return {
                kind: 'unavailable',
                reason: t('permission.tableRefused', { permission, failure: lookupFailureText(failure) }),
                retryAfterSeconds: RETRY_AFTER_SECONDS,
            };
        }
        return {
            kind: 'unavailable',
            reason: t('permission.unreachable', { permission, failure: lookupFailureText(failure) }),
        };
    }
}

const QUIET = { warn: () => undefined };

/** For logs: which credentials failed (never their value). */
function describe(failure: LookupFailure, byReader: boolean): string {
    return `${describeLookupFailure(failure)}${byReader ? " with the permission reader's token" : ''}`;
}

function ageText(ms: number): string {
    const minutes = Math.max(0, Math.round(ms / 60000));
    return minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}
