// An event of the journal rebuilt into the payload Rocket.Chat sent for it, from its room as it is
// now (the journal keeps no conversation text): the same mapping as a room test (payloads/).
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { buildRoomPayload, ConversationSnapshot, RoomEventType } from '../payloads/conversation';
import type { Payload } from '../payloads/prepare';
import { loadConversation, MAX_ROOM_MESSAGES, RoomLoad, toSnapshotMessages } from '../payloads/roomSource';
import type { TrafficEvent } from '../traffic/journal';

/** How far back a message is looked for: Rocket.Chat's room reader pages 100 at a time. */
const MAX_PAGES = 10;

/** The conversations one backfill has read, by room id: its events of one room share one read. */
export type Conversations = Map<string, Promise<RoomLoad>>;

/** The payload, or undefined when its room (or, for a Message, its message) is gone. */
export async function rebuild(read: IRead, event: TrafficEvent, conversations: Conversations = new Map()): Promise<Payload | undefined> {
    if (event.event === 'LivechatOfflineMessage' || event.event === 'LivechatSessionQueued') {
        // Not journaled: the engine tells apps of neither.
        return undefined;
    }
    let loading = conversations.get(event.roomId);
    if (!loading) {
        loading = loadConversation(read, event.roomId, () => true);
        conversations.set(event.roomId, loading);
    }
    const loaded = await loading;
    if (!loaded.ok) {
        return undefined;
    }
    let snapshot: ConversationSnapshot = loaded.snapshot;
    if (event.event === 'Message') {
        const message = snapshot.messages.find((candidate) => candidate.id === event.messageId) || (await olderMessage(read, event));
        if (!message) {
            return undefined;
        }
        // A Message delivery carries that one message.
        snapshot = { ...snapshot, messages: [message] };
    }
    const body = JSON.stringify(buildRoomPayload(event.event as RoomEventType, snapshot));
    return { event: event.event, body, source: { kind: 'backfill', eventId: event.id, roomId: event.roomId } };
}

async function olderMessage(read: IRead, event: TrafficEvent) {
    for (let page = 1; page < MAX_PAGES; page++) {
        const messages = await read
            .getRoomReader()
            .getMessages(event.roomId, { limit: MAX_ROOM_MESSAGES, skip: page * MAX_ROOM_MESSAGES, sort: { createdAt: 'desc' } });
        const found = toSnapshotMessages(messages || []).find((message) => message.id === event.messageId);
        if (found || !messages || messages.length < MAX_ROOM_MESSAGES) {
            return found;
        }
    }
    return undefined;
}
