// The room each user last opened the panel in, in the app's persistence (any instance of a cluster
// may get the next click). Rocket.Chat sends a form's submit without a room, and some clients send
// the panel's clicks without one: an outcome that arrives after the panel answered is posted there.
import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { appKey } from '../util/keys';

interface PanelRoom {
    v: 1;
    roomId: string;
    at: string;
}

const KIND = appKey('panel-room');

export class PanelRooms {
    /** Best effort: Rocket.Chat's bridge rejects an update of an existing record after applying it, and a lost write only costs a later "click Refresh". */
    public async remember(persis: IPersistence, userId: string, roomId: string): Promise<void> {
        const record: PanelRoom = { v: 1, roomId, at: new Date().toISOString() };
        await persis.updateByAssociations(associations(userId), record, true).catch(() => undefined);
    }

    /** The newest remembered room (two instances upserting at once may leave two records). */
    public async recall(reader: IPersistenceRead, userId: string): Promise<string | undefined> {
        const records = ((await reader.readByAssociations(associations(userId))) || []).filter(isPanelRoom);
        const newest = records.sort((a, b) => b.at.localeCompare(a.at))[0];
        return newest ? newest.roomId : undefined;
    }
}

function associations(userId: string): Array<RocketChatAssociationRecord> {
    return [KIND, new RocketChatAssociationRecord(RocketChatAssociationModel.USER, userId)];
}

function isPanelRoom(value: unknown): value is PanelRoom {
    const record = value as PanelRoom;
    return !!record && record.v === 1 && typeof record.roomId === 'string' && typeof record.at === 'string';
}
