// The last deliveries, newest first, in one persisted record that is rewritten on each change
// (the engine's persistence has no query, sort or limit). Writes go through one queue so that
// concurrent tests in this app instance never overwrite each other's entries, and reads wait for
// queued writes, so a caller always sees the deliveries it has just made.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { DeliveryReport } from '../delivery/report';

export const HISTORY_LIMIT = 50;
/** Larger request bodies are not kept (the report is): 50 of them must fit in one host record. */
export const MAX_STORED_BODY_BYTES = 128 * 1024;

export interface StoredDelivery {
    report: DeliveryReport;
    /** Username of who ran it. */
    by: string;
    /** The exact bytes sent, so they can be sent again; absent when too large to keep. */
    body?: string;
    /** For a test of a URL that is not the saved webhook URL: that URL, so a redelivery goes there again. */
    url?: string;
}

const HISTORY_RECORD = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'livechat-webhook-test:delivery-history');

export class DeliveryHistory {
    private queue: Promise<unknown> = Promise.resolve();

    public async list(reader: IPersistenceRead): Promise<Array<StoredDelivery>> {
        await this.queue;
        return this.read(reader);
    }

    private async read(reader: IPersistenceRead): Promise<Array<StoredDelivery>> {
        const records = await reader.readByAssociation(HISTORY_RECORD);
        const record = records && records[0];
        const entries = record && (record as { entries?: unknown }).entries;
        return Array.isArray(entries) ? (entries.filter(isStoredDelivery) as Array<StoredDelivery>) : [];
    }

    public async find(reader: IPersistenceRead, id: string): Promise<StoredDelivery | undefined> {
        return (await this.list(reader)).find((entry) => entry.report.id === id);
    }

    /** Queues adding an entry at the front (keeping the newest HISTORY_LIMIT); resolves once written. */
    public record(reader: IPersistenceRead, persis: IPersistence, entry: StoredDelivery): Promise<void> {
        const stored: StoredDelivery =
            entry.body !== undefined && byteLength(entry.body) > MAX_STORED_BODY_BYTES
                ? { report: entry.report, by: entry.by, ...(entry.url && { url: entry.url }) }
                : entry;
        const write = this.queue.then(async () => {
            const entries = [stored, ...(await this.read(reader))].slice(0, HISTORY_LIMIT);
            try {
                await persis.updateByAssociation(HISTORY_RECORD, { entries }, true);
            } catch (error) {
                // Rocket.Chat's bridge rejects every update of an existing record after applying it
                // (it answers the null upsertedId): read back before calling it lost.
                const written = await this.read(reader);
                if (!written.some((entry) => entry.report.id === stored.report.id)) {
                    throw error;
                }
            }
        });
        // The next write waits for this one whatever its fate; this one's caller still sees its error.
        this.queue = write.catch(() => undefined);
        return write;
    }
}

function isStoredDelivery(value: unknown): boolean {
    const entry = value as StoredDelivery;
    return !!entry && typeof entry === 'object' && !!entry.report && typeof entry.report.id === 'string';
}

function byteLength(text: string): number {
    return new TextEncoder().encode(text).length;
}
