// Who may see a recorded conversation, and what the history shows of one to whoever may not: as
// Rocket.Chat decides who sees an Omnichannel room (permissions/roomAccess.ts).
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';

import type { StoredDelivery } from './records';
import { maySeeConversation, RoomViewer } from '../permissions/roomAccess';
import type { HistoryItem } from '../gate/answers';
import { t } from '../i18n/text';

/** A conversation's payload is shown and sent again only to whoever may see the conversation now. */
export async function maySeeSource(read: IRead, viewer: RoomViewer, entry: StoredDelivery): Promise<boolean> {
    const source = entry.report.source;
    return source.kind !== 'room' || maySeeRoom(read, viewer, source.roomId);
}

async function maySeeRoom(read: IRead, viewer: RoomViewer, roomId: string): Promise<boolean> {
    const room = await read
        .getRoomReader()
        .getById(roomId)
        .catch(() => undefined);
    return !!room && room.type === RoomType.LIVE_CHAT && maySeeConversation(viewer, room as ILivechatRoom);
}

/** The conversations of a listing the caller may not see (each room read once). */
export async function hiddenRooms(read: IRead, viewer: RoomViewer, entries: Array<StoredDelivery>): Promise<Set<string>> {
    const ids = [...new Set(entries.flatMap((entry) => (entry.report.source.kind === 'room' ? [entry.report.source.roomId] : [])))];
    const seen = await Promise.all(ids.map((id) => maySeeRoom(read, viewer, id)));
    return new Set(ids.filter((_id, index) => !seen[index]));
}

export const WITHHELD = t('history.withheld');

/** A conversation's delivery as shown to someone who may not see the conversation: no room id, nothing the receiver answered. */
export function withheld(item: HistoryItem): HistoryItem {
    const { responseExcerpt: _excerpt, ...rest } = item;
    return { ...rest, source: { kind: 'room', roomId: '' }, withheld: WITHHELD };
}

export function omitCheck(item: HistoryItem): Omit<HistoryItem, 'check'> {
    const { check: _check, ...rest } = item;
    return rest;
}

export function toHistoryItem(entry: StoredDelivery): HistoryItem {
    const isCheck = entry.report.source.kind === 'check';
    return { ...entry.report, by: entry.by, redeliverable: entry.bodyKept && !isCheck, ...(entry.checkBrief && { check: entry.checkBrief }) };
}
