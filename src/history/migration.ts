// 0.1.0 kept the whole history in one record (`{ entries: [...] }`, newest first). The first read
// after the upgrade moves each entry into a record of its own and then removes the old record. Two
// instances doing it at the same moment may both write an entry: the history keeps one record per
// delivery id and prunes the other, so moving twice is harmless, and so is moving again after a
// failure halfway.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DELIVERY, isDeliveryRecord, LEGACY_HISTORY, NewDelivery } from './records';

/** How many times the old record's removal is repeated (each removal deletes one record). */
const REMOVAL_ROUNDS = 3;

export async function migrateLegacyHistory(
    reader: IPersistenceRead,
    persis: IPersistence,
    write: (entry: NewDelivery, at: number) => Promise<void>,
): Promise<number> {
    const legacy = await reader.readByAssociation(LEGACY_HISTORY);
    const entries = legacy.flatMap((record) => {
        const list = (record as { entries?: unknown }).entries;
        return Array.isArray(list) ? list.filter(isLegacyEntry) : [];
    });
    if (legacy.length === 0) {
        return 0;
    }
    const present = new Set((await reader.readByAssociation(DELIVERY)).filter(isDeliveryRecord).map((record) => record.report.id));
    // Oldest first, so that an entry never sent (no sentAt) sorts just after the one before it.
    let previous = 0;
    let moved = 0;
    for (const entry of [...entries].reverse()) {
        const sent = entry.report.sentAt ? Date.parse(entry.report.sentAt) : NaN;
        const at = Number.isFinite(sent) ? sent : previous + 1;
        previous = at;
        if (present.has(entry.report.id)) {
            continue;
        }
        present.add(entry.report.id);
        await write(
            { report: entry.report, by: typeof entry.by === 'string' ? entry.by : 'unknown', ...(typeof entry.body === 'string' && { body: entry.body }) },
            at,
        );
        moved++;
    }
    for (let round = 0; round < REMOVAL_ROUNDS; round++) {
        const removed = await persis.removeByAssociation(LEGACY_HISTORY);
        if (!removed || removed.length <= 1) {
            break;
        }
    }
    return moved;
}

function isLegacyEntry(value: unknown): value is NewDelivery {
    const entry = value as NewDelivery;
    return !!entry && typeof entry === 'object' && !!entry.report && typeof entry.report.id === 'string' && typeof entry.report.event === 'string';
}
