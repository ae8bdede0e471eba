import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUIKitResponse, UIKitBlockInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';

import { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { buildOutcomeBlocks, formatOutcome, REDELIVER_ACTION_ID, replyPrivately } from './reply';

/** The "Send again" button of a reply: redelivers that delivery (same permission check) and replies privately. */
export class RedeliverButton {
    constructor(
        private readonly runner: WebhookTestRunner,
        private readonly appId: string,
    ) {}

    public async handle(context: UIKitBlockInteractionContext, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        if (data.actionId !== REDELIVER_ACTION_ID) {
            return context.getInteractionResponder().errorResponse();
        }
        const outcome = await this.runner.redeliver({ user: data.user, read, http, persis }, { id: data.value });
        if (data.room) {
            await replyPrivately(read, modify, data.user, data.room, formatOutcome(outcome), buildOutcomeBlocks(outcome, this.appId));
        }
        return context.getInteractionResponder().successResponse();
    }
}
