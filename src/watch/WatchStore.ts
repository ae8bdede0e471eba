// The health watch in the app's persistence, as records that are only ever created and removed
// (never rewritten), so that instances of a cluster running at once lose nothing:
// - one record per run (the state is replayed from them, see state.ts);
// - a start marker per run, removed when the run is recorded: one left behind past its deadline is
//   a run that never finished (the app was stopped during it);
// - claims: who posts an alert, when two instances would (the lowest claim id seen twice wins);
// - pauses: the watch stops running on schedule after a run that never finished.
// Each record also carries an association of its own: Rocket.Chat's removeByAssociations deletes
// only one of the records it matches.
import { createHash } from 'crypto';

import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import type { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';
import { CLAIM_SETTLE_MS, newClaimId } from '../util/claims';
import { appKey, recordKey } from '../util/keys';

import { randomHex } from '../util/random';
import { KEPT_RUNS, KeptRun, WatchState } from './state';

const RUN = appKey('watch-run');
const START = appKey('watch-start');
const CLAIM = appKey('watch-claim');
const PAUSE = appKey('watch-pause');
/** Whether the workspace's own settings let real deliveries go out, as a run last saw it. */
const WORKSPACE = appKey('watch-workspace');
/** 0.2.0 kept the state and its runs in this one record. */
const LEGACY = appKey('watch-state');
const claimKey = (key: string) => appKey(`watch-claim:${key}`);

/** Runs beyond KEPT_RUNS are removed once this many more have piled up. */
const PRUNE_SLACK = 12;
const KEPT_CLAIMS = 50;

export interface StartMarker {
    id: string;
    /** ms since the epoch. */
    startedAt: number;
    /** Past this, a run without its record never finished. */
    deadline: number;
}

export interface Pause {
    runId: string;
    startedAt: number;
    at: string;
}

interface WorkspaceSeen {
    sends: boolean;
    at: string;
}

interface Stored<T> {
    v: 2;
    nonce: string;
    value: T;
}

export class WatchStore {
    private migrated = false;

    constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))) {}

    public async runs(reader: IPersistenceRead, persis?: IPersistence): Promise<Array<KeptRun>> {
        if (!this.migrated && persis) {
            await this.migrate(reader, persis);
        }
        const runs = (await this.all<KeptRun>(reader, RUN)).map((record) => record.value).filter(isRun);
        if (!this.migrated && !persis) {
            // Not migrated yet (no run since the update): 0.2.0's runs, as the migration will keep them.
            const present = new Set(runs.map((run) => run.id));
            for (const state of ((await reader.readByAssociation(LEGACY)) || []) as Array<Partial<WatchState>>) {
                const legacy = (Array.isArray(state.runs) ? state.runs : []).map((run) => ({ ...run, urlKey: state.urlKey || '' }));
                runs.push(...legacy.filter((run) => isRun(run) && !present.has(run.id)));
            }
        }
        return runs;
    }

    public async addRun(persis: IPersistence, run: KeptRun): Promise<void> {
        await this.create(persis, RUN, run);
    }

    /** Marks a run as started; `finish` removes the mark once the run is recorded. */
    public async start(persis: IPersistence, marker: StartMarker): Promise<string> {
        return this.create(persis, START, marker);
    }

    public async finish(persis: IPersistence, nonce: string): Promise<void> {
        await persis.removeByAssociation(recordKey(nonce));
    }

    /** Start marks older than their deadline whose run was never recorded; removed as they are returned. */
    public async unfinished(reader: IPersistenceRead, persis: IPersistence, runs: Array<KeptRun>, now: number): Promise<Array<StartMarker>> {
        const recorded = new Set(runs.map((run) => run.id));
        const found: Array<StartMarker> = [];
        for (const marker of await this.all<StartMarker>(reader, START)) {
            const { id, deadline } = marker.value || ({} as StartMarker);
            if (typeof id !== 'string' || typeof deadline !== 'number' || deadline > now) {
                continue;
            }
            await persis.removeByAssociation(recordKey(marker.nonce));
            if (!recorded.has(id)) {
                found.push(marker.value);
            }
        }
        return found;
    }

    public async pauses(reader: IPersistenceRead): Promise<Array<Pause>> {
        return (await this.all<Pause>(reader, PAUSE)).map((record) => record.value).filter((pause) => !!pause && typeof pause.runId === 'string');
    }

    public async pause(persis: IPersistence, pause: Pause): Promise<void> {
        await this.create(persis, PAUSE, pause);
    }

    /** Ends every pause. */
    public async resume(reader: IPersistenceRead, persis: IPersistence): Promise<number> {
        const pauses = await this.all<Pause>(reader, PAUSE);
        for (const pause of pauses) {
            await persis.removeByAssociation(recordKey(pause.nonce));
        }
        return pauses.length;
    }

    /** What the newest run saw of the workspace (its record's nonce names it in claims). */
    public async workspace(reader: IPersistenceRead): Promise<{ nonce: string; sends: boolean } | undefined> {
        const records = (await this.all<WorkspaceSeen>(reader, WORKSPACE)).filter((record) => record.value && typeof record.value.sends === 'boolean');
        records.sort((a, b) => b.value.at.localeCompare(a.value.at));
        return records[0] && { nonce: records[0].nonce, sends: records[0].value.sends };
    }

    /** Records what a run saw; the older records go. */
    public async sawWorkspace(reader: IPersistenceRead, persis: IPersistence, sends: boolean): Promise<void> {
        const older = await this.all<WorkspaceSeen>(reader, WORKSPACE);
        await this.create(persis, WORKSPACE, { sends, at: new Date().toISOString() });
        for (const record of older) {
            await persis.removeByAssociation(recordKey(record.nonce));
        }
    }

    /** The claims made so far (their keys). */
    public async claimed(reader: IPersistenceRead): Promise<Set<string>> {
        return new Set((await this.all<{ key: string }>(reader, CLAIM)).map((record) => record.value && record.value.key));
    }

    /**
     * Claims `key` (e.g. the alert of one failing episode) for this instance: true when it is this
     * instance's to act on. Claim ids grow with time; the lowest one wins, and only a claimer that
     * sees itself lowest twice, a moment apart, acts: an instance whose claim landed late sees the
     * earlier one by then.
     */
    public async claim(reader: IPersistenceRead, persis: IPersistence, key: string): Promise<boolean> {
        const claimId = newClaimId();
        const nonce = randomHex(8);
        await persis.createWithAssociations({ v: 2, nonce, value: { key, claimId, at: new Date().toISOString() } }, [CLAIM, claimKey(key), recordKey(nonce)]);
        for (let read = 0; read < 2; read++) {
            await this.sleep(CLAIM_SETTLE_MS);
            const ids = ((await reader.readByAssociation(claimKey(key))) as Array<Stored<{ claimId?: unknown }>>)
                .map((record) => record && record.value && record.value.claimId)
                .filter((id): id is string => typeof id === 'string')
                .sort();
            if (ids[0] !== claimId) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the runs beyond the newest KEPT_RUNS, but never one of the current failing streak (its
     * first failure names the episode its alert was claimed for), and the oldest claims.
     */
    public async prune(reader: IPersistenceRead, persis: IPersistence, state: WatchState): Promise<void> {
        const runs = (await this.all<KeptRun>(reader, RUN)).filter((record) => isRun(record.value));
        if (runs.length > KEPT_RUNS + PRUNE_SLACK) {
            runs.sort((a, b) => b.value.sentAt.localeCompare(a.value.sentAt));
            const streak = state.firstFailureAt;
            for (const record of runs.slice(KEPT_RUNS)) {
                if (!streak || record.value.sentAt < streak) {
                    await persis.removeByAssociation(recordKey(record.nonce));
                }
            }
        }
        const claims = await this.all<{ at: string }>(reader, CLAIM);
        if (claims.length > KEPT_CLAIMS + PRUNE_SLACK) {
            claims.sort((a, b) => String(b.value && b.value.at).localeCompare(String(a.value && a.value.at)));
            for (const claim of claims.slice(KEPT_CLAIMS)) {
                await persis.removeByAssociation(recordKey(claim.nonce));
            }
        }
    }

    private async create(persis: IPersistence, kind: RocketChatAssociationRecord, value: object): Promise<string> {
        const nonce = randomHex(8);
        await persis.createWithAssociations({ v: 2, nonce, value }, [kind, recordKey(nonce)]);
        return nonce;
    }

    private async all<T>(reader: IPersistenceRead, kind: RocketChatAssociationRecord): Promise<Array<Stored<T>>> {
        const records = (await reader.readByAssociation(kind)) || [];
        return (records as Array<Stored<T>>).filter((record) => !!record && record.v === 2 && typeof record.nonce === 'string');
    }

    /** 0.2.0's one record: its runs become records (under its URL digest); a failing state keeps its alert claimed, so none is posted again. */
    private async migrate(reader: IPersistenceRead, persis: IPersistence): Promise<void> {
        const legacy = ((await reader.readByAssociation(LEGACY)) || []) as Array<Partial<WatchState>>;
        if (legacy.length > 0) {
            const present = new Set((await this.all<KeptRun>(reader, RUN)).map((record) => record.value && record.value.id));
            for (const state of legacy) {
                for (const run of Array.isArray(state.runs) ? state.runs : []) {
                    if (run && typeof run.id === 'string' && typeof run.sentAt === 'string' && !present.has(run.id)) {
                        present.add(run.id);
                        await this.addRun(persis, { ...run, urlKey: state.urlKey || '' });
                    }
                }
                // A failing state keeps its alert claimed (named as state.ts's replay names it): none is posted again.
                const episode = state.state === 'failing' ? legacyEpisode(state) : undefined;
                if (episode) {
                    const nonce = randomHex(8);
                    const key = `failing:${episode}`;
                    await persis.createWithAssociations({ v: 2, nonce, value: { key, claimId: '0', at: new Date().toISOString() } }, [
                        CLAIM,
                        claimKey(key),
                        recordKey(nonce),
                    ]);
                }
            }
            for (let round = 0; round < legacy.length + 1; round++) {
                const removed = await persis.removeByAssociation(LEGACY);
                if (!removed || removed.length <= 1) {
                    break;
                }
            }
        }
        this.migrated = true;
    }
}

/** A digest of the URL the runs go to, so that a new URL starts the state over without storing the URL. */
export function urlKeyOf(url: string): string {
    return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** The failing episode of a 0.2.0 state: its URL and the last delivered run before its streak. */
function legacyEpisode(state: Partial<WatchState>): string | undefined {
    const since = state.firstFailureAt || state.since;
    if (!since) {
        return undefined;
    }
    const before = (Array.isArray(state.runs) ? state.runs : []).filter((run) => run && run.verdict === 'delivered' && run.sentAt < since);
    before.sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    return `${state.urlKey || ''}:${before[0] ? before[0].id : 'start'}`;
}

function isRun(value: unknown): value is KeptRun {
    const run = value as KeptRun;
    return !!run && typeof run.id === 'string' && typeof run.sentAt === 'string' && typeof run.verdict === 'string' && typeof run.urlKey === 'string';
}
