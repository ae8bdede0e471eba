// The health watch's state, in one record of the app's persistence: another instance may run the
// next tick, and a restart must not forget it.
import { createHash } from 'crypto';

import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { INITIAL_STATE, WatchState } from './state';

const RECORD = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, 'livechat-webhook-test:watch-state');

export class WatchStore {
    /** The state; two instances upserting at once may leave two records: the one with the newest run wins. */
    public async load(reader: IPersistenceRead): Promise<WatchState> {
        const records = ((await reader.readByAssociation(RECORD)) || []).filter(isWatchState);
        const newest = records.sort((a, b) => latest(b) - latest(a))[0];
        return newest || { ...INITIAL_STATE, runs: [] };
    }

    /** Rocket.Chat's bridge rejects an update of an existing record after applying it: a rejection is "maybe written", read back to tell. */
    public async save(persis: IPersistence, reader: IPersistenceRead, state: WatchState): Promise<void> {
        try {
            await persis.updateByAssociation(RECORD, state, true);
        } catch (error) {
            const stored = await this.load(reader);
            const newest = (of: WatchState) => (of.runs[0] ? of.runs[0].id : '');
            if (newest(stored) !== newest(state)) {
                throw error;
            }
        }
    }
}

/** A digest of the URL the runs go to, so that a new URL starts the state over without storing the URL. */
export function urlKeyOf(url: string): string {
    return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

function latest(state: WatchState): number {
    const run = state.runs[0];
    return run ? Date.parse(run.sentAt) : 0;
}

function isWatchState(value: unknown): value is WatchState {
    const state = value as WatchState;
    return !!state && state.v === 1 && typeof state.state === 'string' && Array.isArray(state.runs);
}
