// How Rocket.Chat turns an Omnichannel room into a webhook payload (its getLivechatRoomGuestInfo
// plus sendToCRM), as pure functions over a plain snapshot of the room. The same mapping serves the
// fixed samples and real rooms read through the engine, so both have the shape real deliveries have.
import type { EventType } from './eventTypes';

export interface SnapshotUser {
    id: string;
    username: string;
    name?: string;
}

export interface SnapshotMessage {
    id: string;
    rid: string;
    sender: SnapshotUser;
    text?: string;
    blocks?: Array<unknown>;
    createdAt: Date;
    updatedAt?: Date;
    editedAt?: Date;
    file?: unknown;
    attachments?: Array<unknown>;
    /** The host's message type: 'livechat-close' is sent, other typed (system) messages are not. */
    type?: string;
}

export interface ConversationSnapshot {
    room: {
        id: string;
        displayName?: string;
        label?: string;
        topic?: string;
        tags?: Array<string>;
        createdAt?: Date;
        lastMessageAt?: Date;
        livechatData?: { [key: string]: unknown };
        crmData?: unknown;
        departmentId?: string;
        servedBy?: SnapshotUser & { ts?: Date };
        closedAt?: Date;
        closedBy?: SnapshotUser;
        closer?: string;
        /** Only known for a forwarding; a room read from the host has neither. */
        oldDepartmentId?: string;
        oldServedBy?: SnapshotUser & { ts?: Date };
    };
    visitor: {
        id: string;
        token: string;
        username: string;
        name?: string;
        department?: string;
        ip?: string;
        userAgent?: string;
        livechatData?: { [key: string]: unknown };
        visitorEmails?: Array<{ address: string }>;
        phone?: Array<{ phoneNumber: string }>;
    };
    /** The serving agent as a full user (the host re-reads it by id). */
    agent?: SnapshotUser & { email?: string };
    /** In order, oldest first. */
    messages: Array<SnapshotMessage>;
}

export type RoomEventType = Exclude<EventType, 'LivechatOfflineMessage'>;

type Json = { [key: string]: unknown };

const CLOSING_MESSAGE_TYPE = 'livechat-close';

export function buildRoomPayload(event: RoomEventType, snapshot: ConversationSnapshot): Json {
    const { room, visitor, agent } = snapshot;
    const client = describeUserAgent(visitor.userAgent);
    const payload: Json = {
        _id: room.id,
        label: room.displayName || room.label,
        topic: room.topic,
        createdAt: iso(room.createdAt),
        lastMessageAt: iso(room.lastMessageAt),
        tags: room.tags,
        customFields: room.livechatData,
        visitor: {
            _id: visitor.id,
            token: visitor.token,
            name: visitor.name,
            username: visitor.username,
            department: visitor.department,
            ip: visitor.ip,
            os: client.os,
            browser: client.browser,
            customFields: visitor.livechatData,
            ...(visitor.visitorEmails && visitor.visitorEmails.length > 0 && { email: visitor.visitorEmails }),
            ...(visitor.phone && visitor.phone.length > 0 && { phone: visitor.phone }),
        },
    };
    if (agent) {
        payload.agent = { _id: agent.id, username: agent.username, name: agent.name, ...(agent.email && { email: agent.email }) };
    }
    if (room.crmData) {
        payload.crmData = room.crmData;
    }
    payload.type = event;
    payload.messages = messagesFor(event, snapshot).map((message) => mapMessage(message, visitor.username));
    return withoutUndefined({ ...payload, ...additionalFields(event, snapshot) });
}

/** Which messages each event carries: the whole conversation, the new message only, or none. */
function messagesFor(event: RoomEventType, { messages }: ConversationSnapshot): Array<SnapshotMessage> {
    const sendable = messages.filter((message) => !message.type || message.type === CLOSING_MESSAGE_TYPE);
    switch (event) {
        case 'Message':
            return sendable.slice(-1);
        case 'LeadCapture':
            return [];
        default:
            return sendable;
    }
}

function mapMessage(message: SnapshotMessage, visitorUsername: string): Json {
    const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
    return {
        u: { _id: message.sender.id, username: message.sender.username, ...(message.sender.name && { name: message.sender.name }) },
        _id: message.id,
        username: message.sender.username,
        msg: message.text || JSON.stringify(message.blocks),
        ...(hasBlocks && { blocks: message.blocks }),
        ts: iso(message.createdAt),
        rid: message.rid,
        ...(message.editedAt && { editedAt: iso(message.editedAt) }),
        ...(message.sender.username !== visitorUsername && { agentId: message.sender.id }),
        ...(message.type === CLOSING_MESSAGE_TYPE && { closingMessage: true }),
        ...(message.file ? { file: message.file, attachments: message.attachments } : {}),
        _updatedAt: iso(message.updatedAt || message.createdAt),
    };
}

function additionalFields(event: RoomEventType, { room }: ConversationSnapshot): Json {
    const servedBy = room.servedBy && userRef(room.servedBy);
    switch (event) {
        case 'LivechatSessionStart':
        case 'LivechatSessionQueued':
            return { departmentId: room.departmentId };
        case 'LivechatSession':
            return {
                departmentId: room.departmentId,
                servedBy,
                closedAt: iso(room.closedAt),
                closedBy: room.closedBy && { _id: room.closedBy.id, username: room.closedBy.username },
                closer: room.closer,
            };
        case 'LivechatSessionTaken':
            return { departmentId: room.departmentId, servedBy };
        case 'LivechatSessionForwarded':
            return {
                departmentId: room.departmentId,
                servedBy,
                oldDepartmentId: room.oldDepartmentId,
                oldServedBy: room.oldServedBy && userRef(room.oldServedBy),
            };
        default:
            return {};
    }
}

function userRef(user: SnapshotUser & { ts?: Date }): Json {
    return withoutUndefined({ _id: user.id, username: user.username, ts: iso(user.ts) });
}

function iso(date: Date | undefined): string | undefined {
    return date instanceof Date && !isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** JSON drops undefined members anyway; dropping them here makes payloads comparable as objects. */
function withoutUndefined(object: Json): Json {
    const result: Json = {};
    for (const [key, value] of Object.entries(object)) {
        if (value !== undefined) {
            result[key] = value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? withoutUndefined(value as Json) : value;
        }
    }
    return result;
}

/**
 * "Name version" for the visitor's OS and browser, the way the host's user-agent parser words the
 * common cases; anything it does not recognise is left out, as the host leaves out unknown names.
 */
export function describeUserAgent(userAgent: string | undefined): { os?: string; browser?: string } {
    if (!userAgent) {
        return {};
    }
    return { os: describeOs(userAgent), browser: describeBrowser(userAgent) };
}

const WINDOWS_VERSIONS: { [nt: string]: string } = { '10.0': '10', '6.3': '8.1', '6.2': '8', '6.1': '7' };

function describeOs(ua: string): string | undefined {
    let match = /Windows NT ([\d.]+)/.exec(ua);
    if (match) {
        return `Windows ${WINDOWS_VERSIONS[match[1]] || match[1]}`;
    }
    match = /(?:iPhone|iPad|iPod).*? OS ([\d_]+)/.exec(ua);
    if (match) {
        return `iOS ${match[1].replace(/_/g, '.')}`;
    }
    match = /Mac OS X ([\d_.]+)/.exec(ua);
    if (match) {
        return `Mac OS ${match[1].replace(/_/g, '.')}`;
    }
    match = /Android ([\d.]+)/.exec(ua);
    if (match) {
        return `Android ${match[1]}`;
    }
    match = /\bLinux ?([\w.]*)/.exec(ua);
    return match ? `Linux ${match[1]}`.trim() : undefined;
}

function describeBrowser(ua: string): string | undefined {
    const patterns: Array<[string, RegExp]> = [
        ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
        ['Opera', /OPR\/([\d.]+)/],
        ['Firefox', /Firefox\/([\d.]+)/],
        ['Chrome', /Chrome\/([\d.]+)/],
        ['Safari', /Version\/([\d.]+).*Safari\//],
    ];
    for (const [name, pattern] of patterns) {
        const match = pattern.exec(ua);
        if (match) {
            return `${name} ${match[1]}`;
        }
    }
    return undefined;
}
