import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUIKitResponse, UIKitBlockInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';

import { TestOutcome } from '../runner/answers';
import type { WatchRunOutcome } from '../watch/view';
import { Services } from '../wiring/Services';
import { ENGINE_BUDGET_MS } from '../runner/running';
import { WATCH_NOW_ACTION_ID } from '../watch/messages';
import { readerLanguage } from '../i18n/language';
import { buildOutcomeBlocks, formatOutcome, formatWatchRun, REDELIVER_ACTION_ID, replyPrivately } from './reply';

/**
 * The buttons of the app's messages: "Send again" on a reply redelivers that delivery, "Test now"
 * on a watch alert runs the watch. Each checks the permission of whoever clicks (the host only
 * shows the buttons) and replies privately.
 */
export class Buttons {
    constructor(
        private readonly runner: Services,
        private readonly appId: string,
    ) {}

    public async handle(context: UIKitBlockInteractionContext, read: IRead, http: IHttp, persis: IPersistence, modify: IModify): Promise<IUIKitResponse> {
        const data = context.getInteractionData();
        const caller = { user: data.user, read, http, persis };
        const room = data.room;
        const lang = await readerLanguage(read, data.user);
        const show = async (text: string, blocks: ReturnType<typeof buildOutcomeBlocks>) => {
            if (room) {
                await replyPrivately(read, modify, data.user, room, text, blocks);
            }
        };
        if (data.actionId === REDELIVER_ACTION_ID) {
            const shown = (outcome: TestOutcome) => show(formatOutcome(outcome, lang), buildOutcomeBlocks(outcome, this.appId, lang));
            await shown(await this.runner.redeliver(caller, { id: data.value }, { answerWithin: ENGINE_BUDGET_MS, onLate: shown }));
        } else if (data.actionId === WATCH_NOW_ACTION_ID) {
            const shown = (outcome: WatchRunOutcome) => show(formatWatchRun(outcome, lang), buildOutcomeBlocks(outcome, this.appId, lang));
            await shown(await this.runner.watchNow({ ...caller, modify }, { answerWithin: ENGINE_BUDGET_MS, onLate: shown }));
        } else {
            return context.getInteractionResponder().errorResponse();
        }
        return context.getInteractionResponder().successResponse();
    }
}
