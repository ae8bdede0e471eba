// The body a test sends: an event's sample, or a payload built from a real Omnichannel room.
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { buildRoomPayload } from './conversation';
import { buildEventSample, buildOfflineMessagePayload, EventType } from './events';
import { DeliveryReport } from '../delivery/report';
import { loadConversation } from './roomSource';
import { maySeeConversation, RoomViewer } from '../permissions/roomAccess';
import { Answer, failure } from '../gate/answers';

export interface Payload {
    event: EventType;
    body: string;
    source: DeliveryReport['source'];
    /** For a redelivery: the delivery sent again, and the webhook id it carried. */
    redeliveryOf?: { id: string; webhookId: string };
}

/** `viewer`: who asks; a room payload needs a conversation they may see. */
export async function preparePayload(read: IRead, event: EventType, roomId: string | undefined, viewer: RoomViewer): Promise<Payload | Answer> {
    const now = new Date();
    if (roomId === undefined) {
        return { event, body: JSON.stringify(buildEventSample(event, now)), source: { kind: 'sample' } };
    }
    const loaded = await loadConversation(read, roomId, (room) => maySeeConversation(viewer, room));
    if (!loaded.ok) {
        return failure(loaded.status, loaded.error, loaded.reason);
    }
    const { snapshot } = loaded;
    let payload: { [key: string]: unknown };
    if (event === 'LivechatOfflineMessage') {
        // An offline message has no room; the room's visitor and their last message stand in for the form.
        const fromVisitor = snapshot.messages.filter((message) => message.sender.username === snapshot.visitor.username);
        const last = fromVisitor[fromVisitor.length - 1];
        const email = snapshot.visitor.visitorEmails && snapshot.visitor.visitorEmails[0];
        payload = buildOfflineMessagePayload(
            { name: snapshot.visitor.name || snapshot.visitor.username, email: email ? email.address : '', message: last && last.text ? last.text : '' },
            now,
        );
    } else {
        payload = buildRoomPayload(event, snapshot);
    }
    return { event, body: JSON.stringify(payload), source: { kind: 'room', roomId } };
}
