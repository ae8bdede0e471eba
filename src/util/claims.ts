// Who acts when two instances of a cluster would: each writes a claim, the lowest claim id wins, and
// a claimer acts only when it sees itself lowest twice, CLAIM_SETTLE_MS apart (a claim that landed
// late is seen by then). Used by the health watch's alerts and by backfills.
import { randomHex } from './random';

/** How long a claimer waits before each of its two reads of the claims. */
export const CLAIM_SETTLE_MS = 150;

/** Claim ids grow with time (and then sort as strings): an earlier claim is lower. */
export function newClaimId(now = Date.now()): string {
    return `${now.toString(36).padStart(10, '0')}-${randomHex(6)}`;
}
