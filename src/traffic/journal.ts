// The journal of real traffic: one small record per engine event (never a shared list rewritten, so
// instances of a cluster lose nothing), holding what Rocket.Chat made of it and nothing a visitor
// wrote or is. Kept bounded: 7 days or 10 000 events, the oldest go. Writing one costs one create,
// whatever the journal holds; pruning reads it whole, but only every PRUNE_EVERY writes of an
// instance or once an hour, off the event's path, so its cost per event stays flat.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import type { Log } from '../call/log';
import { appKey, recordKey } from '../util/keys';
import { randomHex } from '../util/random';
import type { Decision } from './happenings';

/** On every journal record. */
export const JOURNAL = appKey('journal');
/** On the records of one conversation. */
export const journalRoomKey = (roomId: string) => appKey(`journal-room:${roomId}`);

export const JOURNAL_DAYS = 7;
export const JOURNAL_LIMIT = 10000;
export const PRUNE_EVERY = 500;
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface JournalRecord {
    v: 1;
    /** `evt_` and 12 hex digits; a second delivery of the same event (a visitor's LeadCapture) is `<id>-1`. */
    id: string;
    nonce: string;
    /** When it happened, ms since the epoch. */
    at: number;
    roomId: string;
    /** For a message: its id (a redelivery rebuilds the payload around it). */
    messageId?: string;
    /** For a take: the agent (a forward to that agent retracts it: Rocket.Chat sends no LivechatSessionTaken then). */
    agentId?: string;
    deliveries: Array<Decision>;
}

export type NewJournalRecord = Omit<JournalRecord, 'v' | 'id' | 'nonce'>;

export class JournalStore {
    private writes = 0;
    private prunedAt = 0;
    private pruning?: Promise<void>;
    private reading?: Promise<Array<JournalRecord>>;

    constructor(private readonly now: () => number = Date.now) {}

    /** One create; a prune in the background now and then. */
    public async add(reader: IPersistenceRead, persis: IPersistence, entry: NewJournalRecord, log: Log): Promise<JournalRecord> {
        const nonce = randomHex(8);
        const record: JournalRecord = { v: 1, id: `evt_${randomHex(6)}`, nonce, ...entry };
        await persis.createWithAssociations(record, [JOURNAL, journalRoomKey(entry.roomId), recordKey(nonce)]);
        this.writes++;
        if (this.writes % PRUNE_EVERY === 0 || this.now() - this.prunedAt >= PRUNE_INTERVAL_MS) {
            this.pruneInBackground(reader, persis, log);
        }
        return record;
    }

    /**
     * Every record kept, any order (not to be changed: callers at the same moment share it). Reads
     * that overlap share one: the panel's readiness and traffic would each read the whole journal.
     */
    public all(reader: IPersistenceRead): Promise<Array<JournalRecord>> {
        if (!this.reading) {
            this.reading = Promise.resolve()
                .then(() => reader.readByAssociation(JOURNAL))
                .then((records) => (records || []).filter(isJournalRecord))
                .finally(() => {
                    this.reading = undefined;
                });
        }
        return this.reading;
    }

    /** The records of one conversation, any order. */
    public async ofRoom(reader: IPersistenceRead, roomId: string): Promise<Array<JournalRecord>> {
        return ((await reader.readByAssociations([JOURNAL, journalRoomKey(roomId)])) || []).filter(isJournalRecord);
    }

    public async remove(persis: IPersistence, record: JournalRecord): Promise<void> {
        await persis.removeByAssociation(recordKey(record.nonce));
    }

    /** What pruning keeps: the newest JOURNAL_LIMIT of the last JOURNAL_DAYS days. */
    public surplus(records: Array<JournalRecord>): Array<JournalRecord> {
        const oldest = this.now() - JOURNAL_DAYS * DAY_MS;
        const newestFirst = [...records].sort((a, b) => b.at - a.at || (a.nonce < b.nonce ? -1 : 1));
        return newestFirst.filter((record, index) => index >= JOURNAL_LIMIT || record.at < oldest);
    }

    private pruneInBackground(reader: IPersistenceRead, persis: IPersistence, log: Log): void {
        if (this.pruning) {
            return;
        }
        this.prunedAt = this.now();
        this.pruning = this.prune(reader, persis)
            .catch((error) => log.warn(`Could not prune the traffic journal: ${error instanceof Error ? error.message : 'unknown error'}`))
            .then(() => {
                this.pruning = undefined;
            });
    }

    private async prune(reader: IPersistenceRead, persis: IPersistence): Promise<void> {
        for (const record of this.surplus(await this.all(reader))) {
            await this.remove(persis, record);
        }
    }
}

export function isJournalRecord(value: unknown): value is JournalRecord {
    const record = value as JournalRecord;
    return (
        !!record &&
        record.v === 1 &&
        typeof record.id === 'string' &&
        typeof record.nonce === 'string' &&
        typeof record.at === 'number' &&
        typeof record.roomId === 'string' &&
        Array.isArray(record.deliveries)
    );
}

/** One delivery of the journal, as answers list it. */
export interface TrafficEvent {
    id: string;
    event: Decision['event'];
    roomId: string;
    messageId?: string;
    at: string;
    sent: boolean | null;
    setting: string;
}

/** Each record's deliveries, one event each. */
export function eventsOf(record: JournalRecord): Array<TrafficEvent> {
    return record.deliveries.map((delivery, index) => ({
        id: index === 0 ? record.id : `${record.id}-${index}`,
        event: delivery.event,
        roomId: record.roomId,
        ...(record.messageId && { messageId: record.messageId }),
        at: new Date(record.at).toISOString(),
        sent: delivery.sent,
        setting: delivery.setting,
    }));
}

/** The deliveries Rocket.Chat made (sent) from `from` to `to` (ms, both included): what an outage there may have lost. */
export function sentWithin(records: Array<JournalRecord>, from: number, to: number): Array<TrafficEvent> {
    return records
        .filter((record) => record.at >= from && record.at <= to)
        .flatMap(eventsOf)
        .filter((event) => event.sent === true);
}
