// Every UI interaction the app receives, routed: the panel's clicks and form, the room action, and
// the buttons of its messages (Send again, Test now).
import { IHttp, IModify, IPersistence, IRead, IUIExtend } from '@rocket.chat/apps-engine/definition/accessors';
import { RoomTypeFilter, UIActionButtonContext } from '@rocket.chat/apps-engine/definition/ui';
import {
    IUIKitResponse,
    UIKitActionButtonInteractionContext,
    UIKitBlockInteractionContext,
    UIKitViewCloseInteractionContext,
    UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { Buttons } from '../commands/Buttons';
import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { Services } from '../wiring/Services';
import { Log } from '../util/log';
import { Panel } from './Panel';
import { ACTIONS, SEND_VIEW_ID } from './views';

const PANEL_ACTION = /^livechat-webhook-test\.panel\./;

export class Interactions {
    public readonly panel: Panel;
    private readonly buttons: Buttons;

    constructor(runner: Services, appId: string, log: Log) {
        this.panel = new Panel(runner, appId, log);
        this.buttons = new Buttons(runner, appId);
    }

    /** "Send this conversation to the webhook" on Omnichannel rooms; the client only hides it from others, the handler checks. */
    public static registerRoomAction(ui: IUIExtend): void {
        ui.registerButton({
            actionId: ACTIONS.roomAction,
            context: UIActionButtonContext.ROOM_ACTION,
            labelI18n: 'room_action_label',
            when: { roomTypes: [RoomTypeFilter.LIVE_CHAT], hasOnePermission: [WEBHOOK_PERMISSION] },
        });
    }

    public async blockAction(context: UIKitBlockInteractionContext, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        if (PANEL_ACTION.test(data.actionId)) {
            // The value is whatever the client posted: only a string is one of ours.
            const value = typeof data.value === 'string' ? data.value : undefined;
            await this.panel.click({ read, http, persis, modify }, data.user, data.triggerId, data.actionId, value, data.room);
            return context.getInteractionResponder().successResponse();
        }
        return this.buttons.handle(context, read, http, persis, modify);
    }

    public async viewSubmit(
        context: UIKitViewSubmitInteractionContext,
        read: IRead,
        http: IHttp,
        persis: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        if (!data.view || data.view.id !== SEND_VIEW_ID) {
            return context.getInteractionResponder().successResponse();
        }
        const result = await this.panel.submit({ read, http, persis, modify }, data.user, data.triggerId, data.view.state, data.room);
        return result.errors
            ? context.getInteractionResponder().viewErrorResponse({ viewId: data.view.id, errors: result.errors })
            : context.getInteractionResponder().successResponse();
    }

    public async viewClosed(context: UIKitViewCloseInteractionContext): Promise<IUIKitResponse> {
        return context.getInteractionResponder().successResponse();
    }

    public async actionButton(
        context: UIKitActionButtonInteractionContext,
        read: IRead,
        http: IHttp,
        persis: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        if (data.actionId !== ACTIONS.roomAction) {
            return context.getInteractionResponder().errorResponse();
        }
        await this.panel.openForRoom({ read, http, persis, modify }, data.user, data.triggerId, data.room);
        return context.getInteractionResponder().successResponse();
    }
}
