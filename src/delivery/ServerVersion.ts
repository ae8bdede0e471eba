// The workspace's Rocket.Chat version, which decides the delivery rules the verdicts follow. Read
// from `GET <Site_Url>/api/info` with the caller's credentials (holders of get-server-info or
// view-statistics see "7.10.4", others "7.10"), kept for an hour, and stored so that calls without
// credentials (the slash command, the watch) and other instances use the last version read.
import { IHttp, IPersistence, IPersistenceRead, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import type { CallerCredentials } from '../permissions/PermissionGuard';
import { bodyText, parseJson } from '../util/bodyText';
import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';
import { appKey } from '../util/keys';

const RECORD = appKey('server-version');
export const VERSION_TTL_MS = 60 * 60 * 1000;
const LOOKUP_TIMEOUT_MS = 5000;
const RETRY_AFTER_FAILURE_MS = 5 * 60 * 1000;

export class ServerVersion {
    /** The version the server told, for an hour. */
    private cached?: { version: string; readAt: number };
    /** A failed read is not tried again for a while: it would cost every test a round trip. */
    private failedAt?: number;
    /** What the store held (maybe nothing) when no read was possible, kept for the retry window: each store read is a round trip. */
    private stored?: { version: string | undefined; readAt: number };

    constructor(private readonly now: () => number = Date.now) {}

    /**
     * The version, or undefined when it was never read; never throws. `credentials`: the caller's,
     * or the app's permission reader's; without any, the stored version answers, and nothing is
     * marked as failed (a slash command must not keep the next API call from reading it).
     */
    public async get(read: IRead, http: IHttp, persis: IPersistence, credentials?: CallerCredentials): Promise<string | undefined> {
        const now = this.now();
        if (this.cached && now - this.cached.readAt < VERSION_TTL_MS) {
            return this.cached.version;
        }
        const mayFetch = !!credentials && (this.failedAt === undefined || now - this.failedAt >= RETRY_AFTER_FAILURE_MS);
        if (credentials && mayFetch) {
            const version = await fetchVersion(read, http, credentials).catch(() => undefined);
            if (version) {
                this.cached = { version, readAt: now };
                this.failedAt = undefined;
                await save(persis, version, now);
                return version;
            }
            this.failedAt = now;
        }
        if (this.stored && now - this.stored.readAt < RETRY_AFTER_FAILURE_MS) {
            return this.stored.version;
        }
        const stored = await load(read.getPersistenceReader()).catch(() => undefined);
        const version = stored ? stored.version : this.cached && this.cached.version;
        this.stored = { version, readAt: now };
        return version;
    }
}

async function fetchVersion(read: IRead, http: IHttp, credentials: CallerCredentials): Promise<string | undefined> {
    const siteUrl = await read.getEnvironmentReader().getServerSettings().getValueById('Site_Url');
    if (typeof siteUrl !== 'string' || !/^https?:\/\/[^/\s]+/i.test(siteUrl.trim())) {
        return undefined;
    }
    const request = http.get(`${siteUrl.trim().replace(/\/+$/, '')}/api/info`, {
        headers: { 'X-User-Id': credentials.userId, 'X-Auth-Token': credentials.authToken },
        timeout: LOOKUP_TIMEOUT_MS,
        encoding: null,
    });
    const response = await withDeadline(
        request.catch(() => undefined),
        LOOKUP_TIMEOUT_MS + DEADLINE_GRACE_MS,
    );
    if (response === DEADLINE_PASSED || !response || response.statusCode !== 200) {
        return undefined;
    }
    return versionOf(parseJson(bodyText(response.content)));
}

/** `{ info: { version: "7.10.4" } }` to those who may see it, `{ version: "7.10" }` to the others. */
export function versionOf(body: unknown): string | undefined {
    const data = body as { info?: { version?: unknown }; version?: unknown } | undefined;
    const version = data && ((data.info && data.info.version) || data.version);
    return typeof version === 'string' && /^\d+\.\d+/.test(version) ? version.slice(0, 40) : undefined;
}

async function load(reader: IPersistenceRead): Promise<{ version: string; readAt: number } | undefined> {
    const records = (await reader.readByAssociation(RECORD)) as Array<{ version?: unknown; readAt?: unknown }>;
    const valid = records.filter((record) => typeof record.version === 'string' && typeof record.readAt === 'number') as Array<{
        version: string;
        readAt: number;
    }>;
    return valid.sort((a, b) => b.readAt - a.readAt)[0];
}

/** Rocket.Chat's bridge rejects an update of an existing record after applying it; a write that really failed only means the next call reads the version again. */
async function save(persis: IPersistence, version: string, readAt: number): Promise<void> {
    await persis.updateByAssociation(RECORD, { version, readAt }, true).catch(() => undefined);
}
