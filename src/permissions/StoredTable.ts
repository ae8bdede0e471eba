// The last permission table read successfully, kept in the app's persistence with its time, so
// that calls without credentials (slash commands, buttons), other instances of a cluster and a
// restarted app decide with what the workspace said, never with guesses.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

const RECORD = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'livechat-webhook-test:permission-table');

export interface Table {
    roles: Array<string>;
    /** When it was read, in ms since the epoch. */
    fetchedAt: number;
}

export class StoredTable {
    /** The newest stored table; two instances upserting at once may leave two records. */
    public async load(reader: IPersistenceRead): Promise<Table | undefined> {
        const records = await reader.readByAssociation(RECORD);
        const tables = (records || []).filter(isTable) as Array<Table>;
        return tables.sort((a, b) => b.fetchedAt - a.fetchedAt)[0];
    }

    /** Rocket.Chat's bridge rejects an update of an existing record after applying it, so a rejection is "maybe written": read back to tell. */
    public async save(persis: IPersistence, reader: IPersistenceRead, roles: Array<string>, fetchedAt: number): Promise<void> {
        try {
            await persis.updateByAssociation(RECORD, { roles, fetchedAt }, true);
        } catch (error) {
            const stored = await this.load(reader);
            if (!stored || stored.fetchedAt < fetchedAt) {
                throw error;
            }
        }
    }
}

function isTable(value: unknown): boolean {
    const table = value as Table;
    return !!table && Array.isArray(table.roles) && table.roles.every((role) => typeof role === 'string') && Number.isFinite(table.fetchedAt);
}
