// The engine's Omnichannel events as happenings: each handler reads only ids and flags from what the
// engine hands it (never a text or a visitor's details), and ignores, with one log line, an event that
// lacks them (a forged or truncated one).
import { ILivechatEventContext, ILivechatRoom, ILivechatTransferEventContext } from '@rocket.chat/apps-engine/definition/livechat';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';

import type { Call } from '../call/call';
import { isId } from '../gate/fields';
import type { Stores } from '../gate/stores';
import type { Happening } from './happenings';
import { journal, retractAssignment } from './listen';

type Loose = { [key: string]: unknown } | undefined | null;

/** checkPostMessageSent: whether a message is one of an Omnichannel conversation. No I/O: every channel message of the workspace asks. */
export function isOmnichannelMessage(message: IMessage | undefined): boolean {
    const room = message && (message.room as unknown as Loose);
    return !!room && room.type === RoomType.LIVE_CHAT;
}

export function roomStarted(stores: Stores, call: Call, room: ILivechatRoom): Promise<unknown> {
    const roomId = roomIdOf(room);
    return record(stores, call, 'IPostLivechatRoomStarted', roomId && { kind: 'started', roomId, at: timeOf(room && room.createdAt) });
}

export function roomClosed(stores: Stores, call: Call, room: ILivechatRoom): Promise<unknown> {
    const roomId = roomIdOf(room);
    return record(stores, call, 'IPostLivechatRoomClosed', roomId && { kind: 'closed', roomId, at: timeOf(room && room.closedAt) });
}

export function roomSaved(stores: Stores, call: Call, room: ILivechatRoom): Promise<unknown> {
    const roomId = roomIdOf(room);
    const fields = room as unknown as Loose;
    const open = !!fields && fields.isOpen !== false && !fields.closedAt;
    return record(stores, call, 'IPostLivechatRoomSaved', roomId && { kind: 'saved', roomId, open });
}

export function agentAssigned(stores: Stores, call: Call, context: ILivechatEventContext): Promise<unknown> {
    const roomId = roomIdOf(context && context.room);
    const agentId = idOf(context && context.agent);
    return record(stores, call, 'IPostLivechatAgentAssigned', roomId && { kind: 'taken', roomId, ...(agentId && { agentId }) });
}

export async function roomTransferred(stores: Stores, call: Call, context: ILivechatTransferEventContext): Promise<unknown> {
    const roomId = roomIdOf(context && (context.room as ILivechatRoom));
    const agentId = context && context.type === 'agent' ? idOf(context.to) : undefined;
    if (roomId && agentId) {
        await retractAssignment(stores, call, roomId, agentId);
    }
    return record(stores, call, 'IPostLivechatRoomTransferred', roomId && { kind: 'forwarded', roomId });
}

export function messageSent(stores: Stores, call: Call, message: IMessage): Promise<unknown> {
    const roomId = message && isOmnichannelMessage(message) ? roomIdOf(message.room as ILivechatRoom) : undefined;
    const messageId = message && isId(message.id) ? message.id : undefined;
    // A visitor's message carries their token; an agent's does not.
    const fromVisitor = !!message && typeof (message as IMessage & { token?: unknown }).token === 'string';
    return record(stores, call, 'IPostMessageSent', roomId && messageId && { kind: 'message', roomId, messageId, fromVisitor, at: timeOf(message.createdAt) });
}

async function record(stores: Stores, call: Call, what: string, happening: Happening | undefined | '' | false): Promise<unknown> {
    if (!happening) {
        call.log.warn(`Omnichannel event ${what} ignored: it lacks the ids it should carry.`);
        return undefined;
    }
    return journal(stores, call, happening);
}

function roomIdOf(room: ILivechatRoom | undefined): string | undefined {
    return idOf(room);
}

function idOf(value: unknown): string | undefined {
    const id = value && typeof value === 'object' ? ((value as { id?: unknown; _id?: unknown }).id ?? (value as { _id?: unknown })._id) : undefined;
    return isId(id) ? id : undefined;
}

/** A time the event carries (a Date, or its ISO text once it crossed the engine's process boundary). */
function timeOf(value: unknown): number | undefined {
    const time =
        value instanceof Date || Object.prototype.toString.call(value) === '[object Date]'
            ? (value as Date).getTime()
            : typeof value === 'string'
              ? Date.parse(value)
              : NaN;
    return Number.isFinite(time) ? time : undefined;
}
