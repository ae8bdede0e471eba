// What both benchmarks measure with: a median, the time of one call, and how an Omnichannel event's
// cost changes with the size of the traffic journal.
import { JOURNAL } from '../src/traffic/journal';
import type { PersistenceStore } from '../test/host/storage';

export function median(values: Array<number>): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * `fire` timed `rounds` times with a journal of 10 events and as often with 10 000, alternated: the
 * medians. The journal is filled with copies of a record the app journaled (each with its own id and
 * nonce, as a database holds them) and emptied afterwards.
 */
export async function journalFlatness(
    store: PersistenceStore,
    fire: (round: number) => Promise<unknown>,
    rounds: number,
): Promise<{ small: number; large: number }> {
    const isJournal = (record: PersistenceStore['records'][number]) => record.associations.some((key) => key.id === JOURNAL.getID());
    const template = store.records.find(isJournal);
    if (!template) {
        throw new Error('no journal record to copy: fire an Omnichannel event first');
    }
    // Made once: made anew before each timed event, their garbage would be collected during it.
    const copies = Array.from({ length: 10000 }, (_, index) => {
        const nonce = `bench${String(index).padStart(11, '0')}`;
        return { ...template, id: nonce, data: { ...(template.data as object), nonce, id: `evt_${nonce.slice(-12)}`, at: Date.now() - index } };
    });
    const setJournal = (count: number) => {
        for (let index = store.records.length - 1; index >= 0; index--) {
            if (isJournal(store.records[index])) {
                store.records.splice(index, 1);
            }
        }
        store.records.push(...copies.slice(0, count));
    };
    const small: Array<number> = [];
    const large: Array<number> = [];
    for (let round = 0; round < rounds; round++) {
        setJournal(10);
        small.push(await timed(() => fire(round)));
        setJournal(10000);
        large.push(await timed(() => fire(round)));
    }
    setJournal(0);
    return { small: median(small), large: median(large) };
}
