// Reads an Omnichannel room through the engine's readers and turns it into the plain snapshot that
// conversation.ts maps. Fields the engine's room type lacks (topic, tags, crmData, the visitor's ip
// and user agent) arrive in the host's `_unmappedProperties_`.
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessageRaw } from '@rocket.chat/apps-engine/definition/messages';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { ConversationSnapshot, SnapshotMessage } from './conversation';
import { t, Text } from '../i18n/text';

/** The engine refuses more than 100 messages per read; the payload carries the last ones. */
export const MAX_ROOM_MESSAGES = 100;

type NotFound = { ok: false; status: 404; error: 'error-room-not-found'; reason: Text };
export type RoomLoad = { ok: true; snapshot: ConversationSnapshot } | NotFound;

/**
 * The one answer for a room that does not exist, is not an Omnichannel conversation, or is one the
 * caller may not see: it names nothing, so it tells nothing about which.
 */
export const ROOM_NOT_FOUND: NotFound = {
    ok: false,
    status: 404,
    error: 'error-room-not-found',
    reason: t('room.notFound'),
};

type Loose = { [key: string]: any };

/** The conversation, when `maySee` lets the caller see it (see permissions/roomAccess.ts). */
export async function loadConversation(read: IRead, roomId: string, maySee: (room: ILivechatRoom) => boolean): Promise<RoomLoad> {
    const room = await read.getRoomReader().getById(roomId);
    if (!room || room.type !== RoomType.LIVE_CHAT || !(room as ILivechatRoom).visitor || !maySee(room as ILivechatRoom)) {
        return ROOM_NOT_FOUND;
    }
    const livechatRoom = room as ILivechatRoom;
    const servedById = livechatRoom.servedBy && livechatRoom.servedBy.id;
    const [agent, newestFirst] = await Promise.all([
        servedById ? read.getUserReader().getById(servedById) : Promise.resolve(undefined),
        read.getRoomReader().getMessages(room.id, { limit: MAX_ROOM_MESSAGES, sort: { createdAt: 'desc' } }),
    ]);
    return { ok: true, snapshot: toSnapshot(livechatRoom, agent, [...(newestFirst || [])].reverse()) };
}

export function toSnapshot(room: ILivechatRoom, agent: IUser | undefined, messages: Array<IMessageRaw>): ConversationSnapshot {
    const extra = unmapped(room);
    const visitor = room.visitor as ILivechatRoom['visitor'] & Loose;
    const visitorExtra = unmapped(visitor);
    return {
        room: {
            id: room.id,
            displayName: room.displayName,
            label: extra.label,
            topic: extra.topic,
            tags: extra.tags,
            createdAt: toDate(room.createdAt),
            lastMessageAt: toDate(room.lastModifiedAt),
            livechatData: room.livechatData,
            crmData: extra.crmData,
            departmentId: (room.department && room.department.id) || (room as Loose).departmentId,
            servedBy: room.servedBy && { id: room.servedBy.id, username: room.servedBy.username },
            closedAt: toDate(room.closedAt),
            closedBy: room.closedBy && { id: room.closedBy.id, username: room.closedBy.username },
            closer: room.closer,
        },
        visitor: {
            id: visitor.id || visitor._id,
            token: visitor.token,
            username: visitor.username,
            name: visitor.name,
            department: visitor.department,
            ip: visitor.ip || visitorExtra.ip,
            userAgent: visitor.userAgent || visitorExtra.userAgent,
            livechatData: visitor.livechatData,
            visitorEmails: visitor.visitorEmails,
            phone: visitor.phone,
        },
        agent: agent && {
            id: agent.id,
            username: agent.username,
            name: agent.name,
            email: agent.emails && agent.emails.length > 0 ? agent.emails[0].address : undefined,
        },
        messages: messages.map(toSnapshotMessage),
    };
}

export function toSnapshotMessages(messages: Array<IMessageRaw>): Array<SnapshotMessage> {
    return messages.map(toSnapshotMessage);
}

function toSnapshotMessage(message: IMessageRaw): SnapshotMessage {
    const extra = unmapped(message);
    return {
        id: message.id,
        rid: message.roomId,
        sender: { id: message.sender._id, username: message.sender.username, name: message.sender.name },
        text: message.text,
        blocks: message.blocks,
        createdAt: toDate(message.createdAt) || new Date(0),
        updatedAt: toDate(message.updatedAt),
        editedAt: toDate(message.editedAt),
        file: message.file,
        attachments: message.attachments,
        type: (message as Loose).t || extra.t,
    };
}

function unmapped(value: object): Loose {
    const extra = (value as Loose)._unmappedProperties_;
    return extra && typeof extra === 'object' ? extra : {};
}

/** Dates may cross the engine's process boundary as strings, or come from another realm (so no instanceof). */
function toDate(value: unknown): Date | undefined {
    if (Object.prototype.toString.call(value) === '[object Date]') {
        const time = (value as Date).getTime();
        return isNaN(time) ? undefined : new Date(time);
    }
    if (typeof value === 'string' || typeof value === 'number') {
        const date = new Date(value);
        return isNaN(date.getTime()) ? undefined : date;
    }
    return undefined;
}
