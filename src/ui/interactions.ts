// Every UI interaction the app receives, routed: the panel's clicks and form, the room action, and
// the buttons of its messages (Send again, Test now). The App's handlers build the call.
import { IUIExtend } from '@rocket.chat/apps-engine/definition/accessors';
import { RoomTypeFilter, UIActionButtonContext } from '@rocket.chat/apps-engine/definition/ui';
import {
    IUIKitResponse,
    UIKitActionButtonInteractionContext,
    UIKitBlockInteractionContext,
    UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { isMessageButton, pressButton } from '../commands/buttons';
import type { Stores } from '../gate/stores';
import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { openPanelForRoom, panelClick, panelSubmit, UiCall } from './Panel';
import { ACTIONS, SEND_VIEW_ID } from './views';

const PANEL_ACTION = /^livechat-webhook-test\.panel\./;

/** "Send this conversation to the webhook" on Omnichannel rooms; the client only hides it from others, the handler checks. */
export function registerRoomAction(ui: IUIExtend): void {
    ui.registerButton({
        actionId: ACTIONS.roomAction,
        context: UIActionButtonContext.ROOM_ACTION,
        labelI18n: 'room_action_label',
        when: { roomTypes: [RoomTypeFilter.LIVE_CHAT], hasOnePermission: [WEBHOOK_PERMISSION] },
    });
}

export async function blockAction(stores: Stores, call: UiCall, context: UIKitBlockInteractionContext): Promise<IUIKitResponse> {
    const data = context.getInteractionData();
    // The value is whatever the client posted: only a string is one of ours.
    const value = typeof data.value === 'string' ? data.value : undefined;
    if (PANEL_ACTION.test(data.actionId)) {
        await panelClick(stores, call, data.triggerId, data.actionId, value, data.room);
    } else if (isMessageButton(data.actionId)) {
        await pressButton(stores, call, data.actionId, value, data.room);
    } else {
        return context.getInteractionResponder().errorResponse();
    }
    return context.getInteractionResponder().successResponse();
}

export async function viewSubmit(stores: Stores, call: UiCall, context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse> {
    const data = context.getInteractionData();
    if (!data.view || data.view.id !== SEND_VIEW_ID) {
        return context.getInteractionResponder().successResponse();
    }
    const result = await panelSubmit(stores, call, data.triggerId, data.view.state, data.room);
    return result.errors
        ? context.getInteractionResponder().viewErrorResponse({ viewId: data.view.id, errors: result.errors })
        : context.getInteractionResponder().successResponse();
}

export async function actionButton(stores: Stores, call: UiCall, context: UIKitActionButtonInteractionContext): Promise<IUIKitResponse> {
    const data = context.getInteractionData();
    if (data.actionId !== ACTIONS.roomAction) {
        return context.getInteractionResponder().errorResponse();
    }
    await openPanelForRoom(stores, call, data.triggerId, data.room);
    return context.getInteractionResponder().successResponse();
}
