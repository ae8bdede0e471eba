// What the app does when the engine tells it of an Omnichannel event: what Rocket.Chat made of it,
// into the journal. One settings read every few seconds at most (WorkspaceCache) and one write.
import type { Call } from '../call/call';
import type { Stores } from '../gate/stores';
import { deliveriesOf, Happening } from './happenings';
import { JournalRecord } from './journal';

/** A forward to an agent follows the assignment it made this soon: that assignment was no take. */
export const FORWARD_WINDOW_MS = 60 * 1000;

/** How far back an event's own time is believed (a forged or stale one is taken as now). */
const BELIEVED_MS = 24 * 60 * 60 * 1000;

export async function journal(stores: Stores, call: Call, happening: Happening): Promise<JournalRecord | undefined> {
    const now = Date.now();
    const at = happening.at !== undefined && happening.at <= now && happening.at > now - BELIEVED_MS ? happening.at : now;
    const workspace = await stores.workspace.get(call.read.getEnvironmentReader().getServerSettings());
    const deliveries = deliveriesOf(happening, workspace);
    if (deliveries.length === 0) {
        return undefined;
    }
    const reader = call.read.getPersistenceReader();
    const record = await stores.journal.add(
        reader,
        call.persis,
        {
            at,
            roomId: happening.roomId,
            ...(happening.kind === 'message' && { messageId: happening.messageId }),
            ...(happening.kind === 'taken' && happening.agentId && { agentId: happening.agentId }),
            deliveries,
        },
        call.log,
    );
    return record;
}

/**
 * A forward to an agent assigns the conversation to that agent first (the engine tells the app
 * IPostLivechatAgentAssigned), but Rocket.Chat sends LivechatSessionTaken only for a take: the
 * assignment journaled just before is taken back.
 */
export async function retractAssignment(stores: Stores, call: Call, roomId: string, agentId: string, at = Date.now()): Promise<boolean> {
    const records = await stores.journal.ofRoom(call.read.getPersistenceReader(), roomId);
    const assignment = records
        .filter((record) => record.agentId === agentId && record.deliveries.some((delivery) => delivery.event === 'LivechatSessionTaken'))
        .filter((record) => at - record.at >= 0 && at - record.at <= FORWARD_WINDOW_MS)
        .sort((a, b) => b.at - a.at)[0];
    if (!assignment) {
        return false;
    }
    await stores.journal.remove(call.persis, assignment);
    return true;
}
