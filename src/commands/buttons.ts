// The buttons of the app's messages: "Send again" on a reply redelivers that delivery, "Test now" on
// a watch alert runs the watch, "Send them again" on a recovery backfills what the outage lost (the
// client asked for a confirmation first). Each goes through the gate as whoever clicks (the host only
// shows the buttons) and replies privately.
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';

import { TestOutcome } from '../gate/answers';
import { pass } from '../gate/gate';
import type { Stores } from '../gate/stores';
import type { UiCall } from '../ui/Panel';
import { REDELIVER } from '../usecases/redeliver';
import { WATCH_NOW } from '../usecases/watch';
import type { WatchRunOutcome } from '../watch/view';
import { BACKFILL_ACTION_ID, WATCH_NOW_ACTION_ID } from '../watch/messages';
import { BACKFILL, BackfillAnswer } from '../usecases/backfill';
import { readerLanguage } from '../i18n/language';
import { buildOutcomeBlocks, formatBackfill, formatOutcome, formatWatchRun, REDELIVER_ACTION_ID, replyPrivately } from './reply';

/** Whether `actionId` is one of these buttons. */
export function isMessageButton(actionId: string): boolean {
    return actionId === REDELIVER_ACTION_ID || actionId === WATCH_NOW_ACTION_ID || actionId === BACKFILL_ACTION_ID;
}

export async function pressButton(stores: Stores, call: UiCall, actionId: string, value: string | undefined, room: IRoom | undefined): Promise<void> {
    const lang = await readerLanguage(call.read, call.user);
    const inTime = { answerWithin: stores.budgets.engineMs };
    const show = async (text: string, blocks: ReturnType<typeof buildOutcomeBlocks>) => {
        if (room) {
            await replyPrivately(call.read, call.modify, call.user, room, text, blocks);
        }
    };
    if (actionId === REDELIVER_ACTION_ID) {
        const shown = (outcome: TestOutcome) => show(formatOutcome(outcome, lang), buildOutcomeBlocks(outcome, stores.appId, lang));
        await shown(await pass(stores, call, REDELIVER, { id: value }, { ...inTime, onLate: shown }));
    } else if (actionId === BACKFILL_ACTION_ID) {
        const [from, to] = (value || '').split('|');
        const shown = (answer: BackfillAnswer) => show(formatBackfill(answer, lang), undefined);
        await shown(await pass(stores, call, BACKFILL, { from, to }, { ...inTime, onLate: shown }));
    } else {
        const shown = (outcome: WatchRunOutcome) => show(formatWatchRun(outcome, lang), buildOutcomeBlocks(outcome, stores.appId, lang));
        await shown(await pass(stores, call, WATCH_NOW, undefined, { ...inTime, onLate: shown }));
    }
}
