// What a backfill keeps so that the CRM never gets an event twice: a mark per event delivered with
// a 200, and, while a run sends, a claim per event. Instances of a cluster backfilling at once each
// claim the events they would send; an event goes with the lowest claim only, and a claimer acts
// only when it sees itself lowest twice, a moment apart (a claim that landed late is seen by then).
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { CLAIM_SETTLE_MS, newClaimId } from '../util/claims';
import { appKey, recordKey } from '../util/keys';

import { randomHex } from '../util/random';

const MARK = appKey('backfilled');
const CLAIM = appKey('backfill-claim');

/** How long a claim holds: longer than any run (each event's send is bounded by the timeout). */
export const CLAIM_TTL_MS = 30 * 60 * 1000;
/** Marks beyond this many (the oldest) are removed: the journal keeps no more events than this. */
const KEPT_MARKS = 10000;

interface Mark {
    v: 1;
    nonce: string;
    eventId: string;
    deliveryId: string;
    at: number;
}

interface Claim {
    v: 1;
    nonce: string;
    eventId: string;
    claimId: string;
    at: number;
}

export class BackfillStore {
    constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))) {}

    /** The events already delivered by a backfill (a 200), with the delivery that did it. */
    public async delivered(reader: IPersistenceRead): Promise<Map<string, string>> {
        const marks = ((await reader.readByAssociation(MARK)) || []).filter(isMark);
        return new Map(marks.map((mark) => [mark.eventId, mark.deliveryId]));
    }

    public async markDelivered(persis: IPersistence, eventId: string, deliveryId: string): Promise<void> {
        const nonce = randomHex(8);
        const mark: Mark = { v: 1, nonce, eventId, deliveryId, at: Date.now() };
        await persis.createWithAssociations(mark, [MARK, recordKey(nonce)]);
    }

    /**
     * Claims each event for this run; answers the ones that are this run's to send (no other live
     * claim lower, and, without `force`, none delivered meanwhile), and the claims to release.
     */
    public async claim(
        reader: IPersistenceRead,
        persis: IPersistence,
        eventIds: Array<string>,
        force: boolean,
    ): Promise<{ mine: Array<string>; release: () => Promise<void> }> {
        const now = Date.now();
        const mine = new Map<string, Claim>();
        for (const eventId of eventIds) {
            const claim: Claim = { v: 1, nonce: randomHex(8), eventId, claimId: newClaimId(now), at: now };
            await persis.createWithAssociations(claim, [CLAIM, recordKey(claim.nonce)]);
            mine.set(eventId, claim);
        }
        let winning = new Set(eventIds);
        for (let read = 0; read < 2; read++) {
            await this.sleep(CLAIM_SETTLE_MS);
            const claims = ((await reader.readByAssociation(CLAIM)) || []).filter(isClaim).filter((claim) => Date.now() - claim.at < CLAIM_TTL_MS);
            const lowest = new Map<string, string>();
            for (const claim of claims) {
                const seen = lowest.get(claim.eventId);
                if (seen === undefined || claim.claimId < seen) {
                    lowest.set(claim.eventId, claim.claimId);
                }
            }
            winning = new Set([...winning].filter((eventId) => lowest.get(eventId) === mine.get(eventId)!.claimId));
        }
        const done = force ? new Map<string, string>() : await this.delivered(reader);
        const release = async () => {
            for (const claim of mine.values()) {
                await persis.removeByAssociation(recordKey(claim.nonce)).catch(() => undefined);
            }
        };
        return { mine: eventIds.filter((eventId) => winning.has(eventId) && !done.has(eventId)), release };
    }

    /** The oldest marks beyond KEPT_MARKS, and claims past their time (an instance that stopped mid-run). */
    public async prune(reader: IPersistenceRead, persis: IPersistence): Promise<void> {
        const marks = ((await reader.readByAssociation(MARK)) || []).filter(isMark).sort((a, b) => b.at - a.at);
        for (const mark of marks.slice(KEPT_MARKS)) {
            await persis.removeByAssociation(recordKey(mark.nonce));
        }
        const stale = ((await reader.readByAssociation(CLAIM)) || []).filter(isClaim).filter((claim) => Date.now() - claim.at >= CLAIM_TTL_MS);
        for (const claim of stale) {
            await persis.removeByAssociation(recordKey(claim.nonce));
        }
    }
}

function isMark(value: unknown): value is Mark {
    const mark = value as Mark;
    return !!mark && mark.v === 1 && typeof mark.eventId === 'string' && typeof mark.deliveryId === 'string' && typeof mark.nonce === 'string';
}

function isClaim(value: unknown): value is Claim {
    const claim = value as Claim;
    return !!claim && claim.v === 1 && typeof claim.eventId === 'string' && typeof claim.claimId === 'string' && typeof claim.at === 'number';
}
