// Who may see an Omnichannel conversation, as Rocket.Chat decides it for Omnichannel rooms
// (`apps/meteor/app/livechat/server/roomAccessValidator.compatibility.ts`), from the same
// permission table. Pure. Failing closed on what an app cannot read: an agent previewing a queued
// inquiry of their department, or a closed room of their department
// (`view-livechat-room-closed-same-department`), is not let in.
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { Grants, PERMISSIONS } from './lookup';

export interface RoomViewer {
    user: IUser;
    /** The table's grants; absent when none decided (then only the admin role and serving the room count). */
    grants?: Grants;
}

export function maySeeConversation({ user, grants }: RoomViewer, room: ILivechatRoom): boolean {
    const roles = Array.isArray(user.roles) ? user.roles : [];
    const granted = (permission: string) => !!grants && Array.isArray(grants[permission]) && roles.some((role) => grants[permission].includes(role));
    // The table decides for admins too; without one (first use) an admin sees every conversation.
    if ((!grants && roles.includes('admin')) || granted(PERMISSIONS.rooms)) {
        return true;
    }
    const servedBy = room.servedBy as (IUser & { _id?: string }) | undefined;
    const agentId = servedBy && (servedBy.id || servedBy._id);
    if (agentId && agentId === user.id) {
        return true;
    }
    return !room.isOpen && granted(PERMISSIONS.closedByAnother);
}
