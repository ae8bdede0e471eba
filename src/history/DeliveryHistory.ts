// The last deliveries and receiver checks, one record each (see records.ts). A test only ever creates its own records:
// no test reads or rewrites another delivery's record, so its cost does not grow with the history,
// and app instances sharing one persistence (a Rocket.Chat cluster) cannot overwrite each other.
// The engine's persistence has no sort, limit or count, so the newest HISTORY_LIMIT are chosen on
// read, and the older ones pruned after a read and after every PRUNE_EVERY writes of an instance
// (off the answer's path). Pruning removes only records with at least HISTORY_LIMIT newer ones
// beside them, so a prune racing with writes or with another instance's prune never removes one of
// the newest HISTORY_LIMIT.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { randomHex } from '../util/random';
import { recordKey } from '../util/keys';
import { migrateLegacyHistory } from './migration';
import {
    briefOf,
    CheckRecord,
    DELIVERY,
    DeliveryDetail,
    DeliveryRecord,
    deliveryKey,
    DETAIL,
    DetailRecord,
    idOf,
    isDetailRecord,
    isMainRecord,
    MainRecord,
    NewCheck,
    NewDelivery,
    StoredCheck,
    StoredDelivery,
    StoredEntry,
    timeOf,
    toStored,
} from './records';

export type { NewCheck, NewDelivery, StoredCheck, StoredDelivery, StoredEntry };

export const HISTORY_LIMIT = 50;
/** Larger request bodies are not kept (the report and the headers are). */
export const MAX_STORED_BODY_BYTES = 512 * 1024;
/** A detail up to this size stays in the delivery's record; a larger one gets a record of its own, so listing stays cheap. */
export const INLINE_DETAIL_BYTES = 8 * 1024;
export const PRUNE_EVERY = 25;
/** At most this many failed writes wait to be logged (the newest). */
const MAX_UNLOGGED = 20;

export interface HistoryLog {
    warn(...items: Array<unknown>): void;
}

export class DeliveryHistory {
    /** Writes of this instance not settled yet: reads wait for them, so a caller sees what it just did. */
    private readonly pending = new Set<Promise<unknown>>();
    private writes = 0;
    private pruning?: Promise<void>;
    private migrated = false;
    private lastAt = 0;
    /**
     * Writes that failed after their call had answered, when its log was no longer stored: the next
     * call that records or reads a delivery logs them.
     */
    private readonly unlogged: Array<string> = [];

    /**
     * Creates the delivery's record(s) once the caller has answered; resolves once written, or once
     * the failure is noted (never rejects). Every PRUNE_EVERY writes, prunes in the background.
     */
    public record(reader: IPersistenceRead, persis: IPersistence, entry: NewDelivery | NewCheck, log: HistoryLog): Promise<void> {
        this.logFailures(log);
        // Strictly growing here, so that deliveries sent within one millisecond keep their order.
        const at = (this.lastAt = Math.max(Date.now(), this.lastAt + 0.001));
        // After the answer: a write sent now would reach the host before the answer does.
        const write = nextTick()
            .then(() => this.write(persis, entry, at))
            .then(() => {
                if (++this.writes % PRUNE_EVERY === 0) {
                    this.pruneInBackground(reader, persis, log);
                }
            })
            .catch((error) => {
                const line = `Could not record ${'kind' in entry ? 'check' : 'delivery'} ${'kind' in entry ? entry.id : entry.report.id} in the history: ${error instanceof Error ? error.message : 'unknown error'}`;
                this.unlogged.splice(0, Math.max(0, this.unlogged.length - MAX_UNLOGGED + 1), line);
            });
        this.pending.add(write);
        write.then(() => this.pending.delete(write));
        return write;
    }

    private logFailures(log: HistoryLog): void {
        for (const line of this.unlogged.splice(0)) {
            log.warn(line);
        }
    }

    /** The newest HISTORY_LIMIT deliveries and checks, newest first, with the details kept inline (large ones and a check's steps are left for `find`). */
    public async list(reader: IPersistenceRead, persis: IPersistence, log: HistoryLog): Promise<Array<StoredEntry>> {
        await this.ready(reader, persis, log);
        const { kept, surplus } = sortRecords(await reader.readByAssociation(DELIVERY));
        if (surplus.length > 0) {
            this.pruneInBackground(reader, persis, log, surplus);
        }
        return kept.map((record) => toStored(record, 'detail' in record ? record.detail : undefined));
    }

    /** One delivery with its whole detail (the exact body sent, the headers), or one check with its steps. */
    public async find(reader: IPersistenceRead, persis: IPersistence, id: string, log: HistoryLog): Promise<StoredEntry | undefined> {
        await this.ready(reader, persis, log);
        const records = await reader.readByAssociation(deliveryKey(id));
        const main = records.filter(isMainRecord).sort((a, b) => (a.nonce < b.nonce ? -1 : 1))[0];
        if (!main) {
            return undefined;
        }
        const apart = records.filter(isDetailRecord).find((record) => record.nonce === main.detailNonce);
        return toStored(main, ('detail' in main && main.detail) || (apart && apart.detail));
    }

    /** Waits for this instance's writes in flight, and moves a 0.1.0 history into records once. */
    private async ready(reader: IPersistenceRead, persis: IPersistence, log: HistoryLog): Promise<void> {
        await Promise.all([...this.pending]);
        this.logFailures(log);
        if (this.migrated) {
            return;
        }
        try {
            await migrateLegacyHistory(reader, persis, (entry, at) => this.write(persis, entry, at));
            this.migrated = true;
        } catch (error) {
            // The history stays readable; the next read tries again.
            log.warn(`Could not move the 0.1.0 history into its new form: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
    }

    private async write(persis: IPersistence, entry: NewDelivery | NewCheck, at: number): Promise<void> {
        if ('kind' in entry) {
            return this.writeCheck(persis, entry, at);
        }
        const { report, by, url } = entry;
        const detail: DeliveryDetail = {
            ...(entry.body !== undefined && fitsIn(entry.body, MAX_STORED_BODY_BYTES) && { body: entry.body }),
            ...(entry.request && { request: entry.request }),
            ...(entry.response && { response: entry.response }),
        };
        const nonce = randomHex(8);
        const main: DeliveryRecord = { v: 2, nonce, at, report, by, ...(url && { url }), bodyKept: detail.body !== undefined };
        if (fitsIn(JSON.stringify(detail), INLINE_DETAIL_BYTES)) {
            await persis.createWithAssociations({ ...main, detail }, [DELIVERY, deliveryKey(report.id), recordKey(nonce)]);
            return;
        }
        const detailNonce = await this.writeDetail(persis, report.id, detail);
        await persis.createWithAssociations({ ...main, detailNonce }, [DELIVERY, deliveryKey(report.id), recordKey(nonce)]);
    }

    /** A check's steps always go apart: listing 50 checks reads only their briefs. */
    private async writeCheck(persis: IPersistence, { summary, ...check }: NewCheck, at: number): Promise<void> {
        const detailNonce = await this.writeDetail(persis, check.id, { check: summary });
        const nonce = randomHex(8);
        const main: CheckRecord = { v: 2, nonce, at, ...check, brief: briefOf(summary), detailNonce };
        await persis.createWithAssociations(main, [DELIVERY, deliveryKey(check.id), recordKey(nonce)]);
    }

    /** The detail first: should the main record's write fail, an unreferenced detail is all that is left. */
    private async writeDetail(persis: IPersistence, id: string, detail: DeliveryDetail): Promise<string> {
        const detailNonce = randomHex(8);
        const apart: DetailRecord = { v: 2, nonce: detailNonce, id, detail };
        await persis.createWithAssociations(apart, [DETAIL, deliveryKey(id), recordKey(detailNonce)]);
        return detailNonce;
    }

    private pruneInBackground(reader: IPersistenceRead, persis: IPersistence, log: HistoryLog, known?: Array<MainRecord>): void {
        if (this.pruning) {
            return;
        }
        this.pruning = this.prune(reader, persis, known)
            .catch((error) => log.warn(`Could not prune the delivery history: ${error instanceof Error ? error.message : 'unknown error'}`))
            .then(() => {
                this.pruning = undefined;
            });
    }

    /** Removes each surplus record (and its detail) by its own association: one call each. */
    private async prune(reader: IPersistenceRead, persis: IPersistence, known?: Array<MainRecord>): Promise<void> {
        const surplus = known || sortRecords(await reader.readByAssociation(DELIVERY)).surplus;
        for (const record of surplus) {
            await persis.removeByAssociation(recordKey(record.nonce));
            if (record.detailNonce) {
                await persis.removeByAssociation(recordKey(record.detailNonce));
            }
        }
    }
}

/** The newest HISTORY_LIMIT (one record per delivery or check id), and every other record. */
export function sortRecords(data: Array<unknown>): { kept: Array<MainRecord>; surplus: Array<MainRecord> } {
    // Two instances migrating at once may have written a delivery twice: the smallest nonce is kept.
    const records = (data || []).filter(isMainRecord).map((record) => ({ record, time: timeOf(record), id: idOf(record) }));
    records.sort((a, b) => b.time - a.time || b.record.at - a.record.at || compare(a.id, b.id, -1) || compare(a.record.nonce, b.record.nonce, 1));
    const seen = new Set<string>();
    const kept: Array<MainRecord> = [];
    const surplus: Array<MainRecord> = [];
    for (const { record, id } of records) {
        if (seen.has(id) || kept.length >= HISTORY_LIMIT) {
            surplus.push(record);
        } else {
            seen.add(id);
            kept.push(record);
        }
    }
    return { kept, surplus };
}

function nextTick(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `order` 1: ascending, -1: descending. */
function compare(a: string, b: string, order: 1 | -1): number {
    return a < b ? -order : a > b ? order : 0;
}

/** Whether the text's UTF-8 form fits in `bytes`; a character takes 1 to 3 bytes (4 for a pair of 2), so most texts need no encoding to tell. */
function fitsIn(text: string, bytes: number): boolean {
    if (text.length * 3 <= bytes) {
        return true;
    }
    return text.length <= bytes && new TextEncoder().encode(text).length <= bytes;
}
