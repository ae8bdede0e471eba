import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUIKitResponse, UIKitBlockInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';

import { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { WATCH_NOW_ACTION_ID } from '../watch/messages';
import { buildOutcomeBlocks, formatOutcome, formatWatchRun, REDELIVER_ACTION_ID, replyPrivately } from './reply';

/**
 * The buttons of the app's messages: "Send again" on a reply redelivers that delivery, "Test now"
 * on a watch alert runs the watch. Each checks the permission of whoever clicks (the host only
 * shows the buttons) and replies privately.
 */
export class Buttons {
    constructor(
        private readonly runner: WebhookTestRunner,
        private readonly appId: string,
    ) {}

    public async handle(context: UIKitBlockInteractionContext, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        const caller = { user: data.user, read, http, persis };
        let text: string;
        let blocks: ReturnType<typeof buildOutcomeBlocks>;
        if (data.actionId === REDELIVER_ACTION_ID) {
            const outcome = await this.runner.redeliver(caller, { id: data.value });
            text = formatOutcome(outcome);
            blocks = buildOutcomeBlocks(outcome, this.appId);
        } else if (data.actionId === WATCH_NOW_ACTION_ID) {
            const outcome = await this.runner.watchNow({ ...caller, modify });
            text = formatWatchRun(outcome);
            blocks = buildOutcomeBlocks(outcome, this.appId);
        } else {
            return context.getInteractionResponder().errorResponse();
        }
        if (data.room) {
            await replyPrivately(read, modify, data.user, data.room, text, blocks);
        }
        return context.getInteractionResponder().successResponse();
    }
}
