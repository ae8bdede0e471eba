// Who may see a recorded conversation, and what the history shows of one to whoever may not: as
// Rocket.Chat decides who sees an Omnichannel room (permissions/roomAccess.ts).
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';

import type { StoredCheck, StoredDelivery, StoredEntry } from './records';
import { maySeeConversation, RoomViewer } from '../permissions/roomAccess';
import { roomOfSource } from '../delivery/report';
import type { CheckItem, DeliveryItem } from '../gate/answers';
import { plural, t } from '../i18n/text';

/** A conversation's payload is shown and sent again only to whoever may see the conversation now. */
export async function maySeeSource(read: IRead, viewer: RoomViewer, entry: StoredDelivery): Promise<boolean> {
    const roomId = roomOfSource(entry.report.source);
    return roomId === undefined || maySeeRoom(read, viewer, roomId);
}

/** Whether the conversation exists and the caller may see it (any other room: no). */
export async function maySeeRoom(read: IRead, viewer: RoomViewer, roomId: string): Promise<boolean> {
    const room = await read
        .getRoomReader()
        .getById(roomId)
        .catch(() => undefined);
    return !!room && room.type === RoomType.LIVE_CHAT && maySeeConversation(viewer, room as ILivechatRoom);
}

/** The conversations of a listing the caller may not see (each room read once). */
export function hiddenRooms(read: IRead, viewer: RoomViewer, entries: Array<StoredEntry>): Promise<Set<string>> {
    return hiddenRoomIds(
        read,
        viewer,
        entries.flatMap((entry) => {
            const roomId = entry.kind === 'check' ? undefined : roomOfSource(entry.report.source);
            return roomId === undefined ? [] : [roomId];
        }),
    );
}

/** Of these conversations, the ones the caller may not see (each read once). */
export async function hiddenRoomIds(read: IRead, viewer: RoomViewer, roomIds: Array<string>): Promise<Set<string>> {
    const ids = [...new Set(roomIds)];
    const seen = await Promise.all(ids.map((id) => maySeeRoom(read, viewer, id)));
    return new Set(ids.filter((_id, index) => !seen[index]));
}

export const WITHHELD = t('history.withheld');

/** A conversation's delivery as shown to someone who may not see the conversation: no room id, nothing the receiver answered. */
export function withheld(item: DeliveryItem): DeliveryItem {
    const { responseExcerpt: _excerpt, ...rest } = item;
    const source = rest.source.kind === 'backfill' ? { ...rest.source, roomId: '' } : { kind: 'room' as const, roomId: '' };
    return { ...rest, source, withheld: WITHHELD };
}

export function toDeliveryItem(entry: StoredDelivery): DeliveryItem {
    return { ...entry.report, by: entry.by, redeliverable: entry.bodyKept };
}

export function toCheckItem(entry: StoredCheck): CheckItem {
    const { brief } = entry;
    const summary = t('history.checkBrief', {
        title: t('panel.receiverCheck'),
        steps: plural('check.stepCount', brief.stepCount),
        errors: plural('history.errorCount', brief.errors),
        others: plural('history.otherFindings', brief.findings - brief.errors),
    });
    return {
        kind: 'check',
        id: entry.id,
        source: { kind: 'check' },
        event: entry.event,
        ...(entry.url && { url: entry.url }),
        sentAt: entry.sentAt,
        durationMs: entry.durationMs,
        by: entry.by,
        redeliverable: false,
        check: brief,
        summary,
    };
}
