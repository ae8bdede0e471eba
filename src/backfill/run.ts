// One backfill: the events an outage lost, each rebuilt from its room and delivered as Rocket.Chat
// delivers them (to the workspace's Webhook URL, with the secret token, unsigned, with its timeout),
// oldest first, one at a time, each recorded in the history; each one the CRM took (200) marked, so
// that no later backfill sends it again. The first one it does not take stops the run: the rest would
// meet the same receiver.
import type { AllowedCall } from '../call/call';
import { deliver, record } from '../delivery/send';
import type { Stores } from '../gate/stores';
import type { DeliverySettings } from '../settings/settings';
import type { TrafficEvent } from '../traffic/journal';
import { Conversations, rebuild } from './rebuild';

export type SkipReason = 'not-sent' | 'withheld' | 'backfilled' | 'claimed' | 'gone';

export interface BackfillResult {
    id: string;
    /** Delivered (200), with the history's delivery id. */
    delivered: Array<{ eventId: string; deliveryId: string }>;
    /** The one that stopped the run. */
    failed?: { eventId: string; deliveryId: string; verdict: string; status?: number };
    /** Not tried: after a failure. */
    notSent: Array<string>;
    skipped: Array<{ eventId: string; why: SkipReason }>;
}

export async function runBackfill(
    stores: Stores,
    call: AllowedCall,
    id: string,
    events: Array<TrafficEvent>,
    ready: DeliverySettings,
    force: boolean,
    skipped: BackfillResult['skipped'],
): Promise<BackfillResult> {
    const reader = call.read.getPersistenceReader();
    const { mine, release } = await stores.backfill.claim(
        reader,
        call.persis,
        events.map((event) => event.id),
        force,
    );
    const result: BackfillResult = { id, delivered: [], notSent: [], skipped: [...skipped] };
    const queue = events.filter((event) => mine.includes(event.id));
    // Another instance's run has the rest, or delivered them meanwhile.
    result.skipped.push(...events.filter((event) => !mine.includes(event.id)).map((event) => ({ eventId: event.id, why: 'claimed' as const })));
    // Real deliveries wait Livechat_http_timeout.
    const workspace = await stores.workspace.get(call.read.getEnvironmentReader().getServerSettings());
    const timed = { ...ready, timeoutMs: workspace.timeoutMs || ready.timeoutMs };
    const conversations: Conversations = new Map();
    try {
        for (const [index, event] of queue.entries()) {
            const payload = await rebuild(call.read, event, conversations);
            if (!payload) {
                result.skipped.push({ eventId: event.id, why: 'gone' });
                continue;
            }
            const delivered = await deliver(stores, call, {
                settings: call.settings,
                ready: timed,
                payload,
                by: call.user.username,
                probe: { unsigned: true },
            });
            if (delivered.entry) {
                record(stores, call, delivered.entry);
            }
            const report = delivered.outcome.delivery;
            if (report && report.verdict === 'delivered') {
                await stores.backfill.markDelivered(call.persis, event.id, report.id);
                result.delivered.push({ eventId: event.id, deliveryId: report.id });
                continue;
            }
            result.failed = {
                eventId: event.id,
                deliveryId: report ? report.id : '',
                verdict: report ? report.verdict : 'not-sent',
                ...(report && report.status !== undefined && { status: report.status }),
            };
            result.notSent = queue.slice(index + 1).map((rest) => rest.id);
            break;
        }
    } finally {
        await release();
        stores.backfill.prune(reader, call.persis).catch((error) => {
            call.log.warn(`Could not prune the backfill's marks: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
    }
    call.log.info(
        `Webhook backfill ${id} by ${call.user.username} (${call.user.id}): ${result.delivered.length} delivered` +
            (result.failed ? `, stopped at ${result.failed.eventId} (${result.failed.status ?? result.failed.verdict})` : '') +
            `, ${result.skipped.length} skipped`,
    );
    return result;
}
