// The last permission table read successfully, kept in the app's persistence with its time, so
// that calls without credentials (slash commands, buttons), other instances of a cluster and a
// restarted app decide with what the workspace said, never with guesses.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { Grants, PERMISSIONS } from './lookup';
import { appKey } from '../util/keys';

const RECORD = appKey('permission-table');

export interface Table {
    grants: Grants;
    /** When it was read, in ms since the epoch. */
    fetchedAt: number;
}

export class StoredTable {
    /** The newest stored table; two instances upserting at once may leave two records. */
    public async load(reader: IPersistenceRead): Promise<Table | undefined> {
        const records = await reader.readByAssociation(RECORD);
        const tables = (records || []).map(toTable).filter((table): table is Table => !!table);
        return tables.sort((a, b) => b.fetchedAt - a.fetchedAt)[0];
    }

    /** Rocket.Chat's bridge rejects an update of an existing record after applying it, so a rejection is "maybe written": read back to tell. */
    public async save(persis: IPersistence, reader: IPersistenceRead, grants: Grants, fetchedAt: number): Promise<void> {
        try {
            await persis.updateByAssociation(RECORD, { grants, fetchedAt }, true);
        } catch (error) {
            const stored = await this.load(reader);
            if (!stored || stored.fetchedAt < fetchedAt) {
                throw error;
            }
        }
    }
}

/** The record as 0.3 writes it (`grants`), or as 0.2 did (`roles` of view-livechat-webhooks only: it grants no room). */
function toTable(value: unknown): Table | undefined {
    const record = value as { grants?: unknown; roles?: unknown; fetchedAt?: unknown };
    if (!record || typeof record !== 'object' || typeof record.fetchedAt !== 'number' || !Number.isFinite(record.fetchedAt)) {
        return undefined;
    }
    if (isRoleList(record.roles) && record.grants === undefined) {
        return { grants: { [PERMISSIONS.webhooks]: record.roles }, fetchedAt: record.fetchedAt };
    }
    const grants = record.grants as { [permission: string]: unknown } | undefined;
    if (!grants || typeof grants !== 'object' || !isRoleList(grants[PERMISSIONS.webhooks])) {
        return undefined;
    }
    const kept: Grants = {};
    for (const permission of Object.values(PERMISSIONS)) {
        const roles = grants[permission];
        if (isRoleList(roles)) {
            kept[permission] = roles;
        }
    }
    return { grants: kept, fetchedAt: record.fetchedAt };
}

function isRoleList(value: unknown): value is Array<string> {
    return Array.isArray(value) && value.every((role) => typeof role === 'string');
}
