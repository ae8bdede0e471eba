// The Webhook panel's behaviour: opening it (slash `panel`, the room action), and each click or
// submit in it. Every action goes through the gate, so it re-checks the permission of whoever
// clicks; the panel is then updated in place. Rocket.Chat's client drops a surface whose triggerId is
// older than 5 s, so an interaction answers within one budget and posts what comes later privately.
import { IModify } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import type { Call } from '../call/call';
import { checkMessage } from '../check/messages';
import { buildOutcomeBlocks, formatOutcome, replyPrivately } from '../commands/reply';
import { Answer, HistoryAnswer, TestOutcome } from '../gate/answers';
import { pass } from '../gate/gate';
import type { Stores } from '../gate/stores';
import { settledBy } from '../util/settledBy';
import { CHECK, CheckAnswer } from '../usecases/check';
import { DELIVERIES } from '../usecases/deliveries';
import { ALLOWED } from '../usecases/events';
import { Overview, OVERVIEW } from '../usecases/overview';
import { REDELIVER } from '../usecases/redeliver';
import { TEST } from '../usecases/test';
import { entryView } from './detail';
import { fieldOfOutcome, readSendForm } from './form';
import { PanelModel, panelView, sendFormView, unavailableView } from './views';
import { readerLanguage } from '../i18n/language';
import { cat, Lang, localize, render, t, Text } from '../i18n/text';

/** A call from the UI: a user, and the accessors to show things with. */
export type UiCall = Call & { user: IUser; modify: IModify };

type Notice = PanelModel['notice'];

/** Opens the panel (or, when the user may not use it, says why privately); `preselectRoomId` fills the form's room. */
export async function openPanel(stores: Stores, call: UiCall, triggerId: string, room?: IRoom, preselectRoomId?: string, message?: Notice): Promise<void> {
    const { user } = call;
    const lang = await readerLanguage(call.read, user);
    const model = await panelModel(stores, call, lang, preselectRoomId, message);
    if (!('deliveries' in model)) {
        if (room) {
            await replyPrivately(call.read, call.modify, user, room, `❌ ${render(model.reason, lang)} (${model.error})`);
        }
        return;
    }
    await Promise.all([
        room && stores.panelRooms.remember(call.persis, user.id, room.id),
        call.modify.getUiController().openSurfaceView(panelView(model), { triggerId }, user),
    ]);
}

/** The room action: the panel for that conversation; a room that is not one opens the panel as it is and says so. */
export function openPanelForRoom(stores: Stores, call: UiCall, triggerId: string, room?: IRoom): Promise<void> {
    return room && room.type === RoomType.LIVE_CHAT
        ? openPanel(stores, call, triggerId, room, room.id)
        : openPanel(stores, call, triggerId, room, undefined, { kind: 'error', text: t('panel.notOmnichannelRoom') });
}

/** A click in the panel: its buttons and each delivery's overflow menu. */
export async function panelClick(stores: Stores, call: UiCall, triggerId: string, actionId: string, value: string | undefined, room?: IRoom): Promise<void> {
    const { user } = call;
    const deadline = Date.now() + stores.budgets.panelMs;
    const lang = await readerLanguage(call.read, user);
    const update = (notice?: Notice) => updatePanel(stores, call, lang, triggerId, undefined, notice);
    if (actionId.endsWith('.send')) {
        const allowed = await pass(stores, call, ALLOWED, undefined);
        if (!allowed.success) {
            return update(failureNotice(allowed));
        }
        await call.modify.getUiController().openSurfaceView(sendFormView(stores.appId, lang, value || undefined), { triggerId }, user);
        return;
    }
    if (actionId.endsWith('.check')) {
        const check: Promise<CheckAnswer> = pass(stores, call, CHECK, {});
        const answer = await settledBy(check, deadline);
        if (answer) {
            await postCheck(call, lang, room, answer);
            return update(answer.steps ? notice(answer.reason) : failureNotice(answer));
        }
        const where = await lateRoom(stores, call, room);
        later(stores, call, 'check', check, async (late) => {
            if (!where) {
                return;
            }
            // In time, a failure shows in the panel; late, it is posted like the table would have been.
            return late.steps
                ? postCheck(call, lang, where, late)
                : replyPrivately(call.read, call.modify, user, where, `❌ ${render(failureNotice(late)!.text, lang)}`);
        });
        return update(notice(t(where ? 'panel.checkingPosted' : 'panel.checkingRefresh')));
    }
    if (actionId.endsWith('.delivery')) {
        const [verb, id] = (value || '').split(':');
        if (!id || (verb !== 'details' && verb !== 'again')) {
            return update({ kind: 'error', text: t('panel.noSuchEntry') });
        }
        if (verb === 'details') {
            const answer: HistoryAnswer = await pass(stores, call, DELIVERIES, { id });
            if (!answer.entry) {
                return update(failureNotice(answer));
            }
            await call.modify.getUiController().openSurfaceView(entryView(stores.appId, answer.entry, lang), { triggerId }, user);
            return;
        }
        return runAndShow(stores, call, lang, triggerId, room, pass(stores, call, REDELIVER, { id }), deadline);
    }
    // Refresh, or anything else: show the panel as it is now.
    return update();
}

/** The "Send test" form was submitted: bad input is shown under its field (the form stays open); else the panel shows the outcome. */
export async function panelSubmit(
    stores: Stores,
    call: UiCall,
    triggerId: string,
    state: unknown,
    room?: IRoom,
): Promise<{ errors?: { [field: string]: string } }> {
    const deadline = Date.now() + stores.budgets.panelMs;
    const lang = await readerLanguage(call.read, call.user);
    const form = readSendForm(state);
    if (!form.ok) {
        return { errors: localize(form.errors, lang) as { [field: string]: string } };
    }
    const body = form.body;
    const test: Promise<TestOutcome> = pass(stores, call, TEST, body);
    const outcome = await settledBy(test, deadline);
    const field = outcome && !outcome.success ? fieldOfOutcome(outcome, body) : undefined;
    if (outcome && field) {
        return { errors: { [field]: render(outcome.reason, lang) } };
    }
    await runAndShow(stores, call, lang, triggerId, room, test, deadline);
    return {};
}

async function runAndShow(
    stores: Stores,
    call: UiCall,
    lang: Lang,
    triggerId: string,
    room: IRoom | undefined,
    work: Promise<TestOutcome>,
    deadline: number,
): Promise<void> {
    const outcome = await settledBy(work, deadline);
    if (outcome) {
        const shown = outcome.delivery ? notice(formatOutcome(outcome, lang).split('\n').slice(0, 2).join(' · ')) : failureNotice(outcome);
        return updatePanel(stores, call, lang, triggerId, undefined, shown);
    }
    const where = await lateRoom(stores, call, room);
    later(stores, call, 'test', work, async (late) => {
        if (where) {
            await replyPrivately(call.read, call.modify, call.user, where, formatOutcome(late, lang), buildOutcomeBlocks(late, stores.appId, lang));
        }
    });
    return updatePanel(stores, call, lang, triggerId, undefined, notice(t(where ? 'panel.waitingPosted' : 'panel.waitingRefresh')));
}

/**
 * Work that goes on after the interaction answered. The engine stores a call's log when the call
 * ends, so the audit line saying who started it is written now; a failure later must not become
 * an unhandled rejection (the runtime reports those as its own errors).
 */
function later<T>(stores: Stores, call: UiCall, what: string, work: Promise<T>, then: (result: T) => Promise<void>): void {
    call.log.info(
        `Webhook ${what} by ${call.user.username} (${call.user.id}) from the panel: still running after ${stores.budgets.panelMs} ms; its outcome goes to the history.`,
    );
    work.then(then).catch((error) =>
        call.log.error(`Webhook ${what} from the panel: the late outcome could not be posted: ${error instanceof Error ? error.message : 'unknown error'}`),
    );
}

/** Where a late outcome goes: the interaction's room, else the room the user last opened the panel in. */
async function lateRoom(stores: Stores, call: UiCall, room?: IRoom): Promise<IRoom | undefined> {
    if (room) {
        return room;
    }
    const roomId = await stores.panelRooms.recall(call.read.getPersistenceReader(), call.user.id).catch(() => undefined);
    return roomId
        ? call.read
              .getRoomReader()
              .getById(roomId)
              .catch(() => undefined)
        : undefined;
}

async function updatePanel(stores: Stores, call: UiCall, lang: Lang, triggerId: string, roomId?: string, message?: Notice): Promise<void> {
    const model = await panelModel(stores, call, lang, roomId, message);
    const view = 'deliveries' in model ? panelView(model) : unavailableView(stores.appId, cat([model.reason, ` (${model.error})`]), lang);
    await call.modify.getUiController().updateSurfaceView(view, { triggerId }, call.user);
}

async function postCheck(call: UiCall, lang: Lang, room: IRoom | undefined, answer: CheckAnswer): Promise<void> {
    if (room && answer.steps) {
        const message = checkMessage(answer, lang);
        await replyPrivately(call.read, call.modify, call.user, room, message.text, message.blocks);
    }
}

/** What the panel shows; an answer when the user may not see it. */
async function panelModel(stores: Stores, call: UiCall, lang: Lang, roomId?: string, message?: Notice): Promise<PanelModel | Answer> {
    const overview = await pass(stores, call, OVERVIEW, { limit: '10', ...(roomId && { roomId }) });
    const { history, watch, target, readiness, traffic, roomTraffic } = overview as Overview;
    if (!overview.success || !history || !history.success || !history.deliveries || !watch || !readiness) {
        return history && !history.success ? history : overview;
    }
    return {
        appId: stores.appId,
        lang,
        deliveries: history.deliveries,
        ...(history.stats && { stats: history.stats }),
        ...(watch.success && { watch }),
        ...(readiness.readiness && { readiness: readiness.readiness }),
        ...(target && { target }),
        ...(message && { notice: message }),
        ...(roomId && { roomId }),
        ...(traffic && traffic.counts && { traffic: traffic.counts }),
        ...(roomTraffic && roomTraffic.events && { roomTraffic: { counts: roomTraffic.counts || {}, events: roomTraffic.events } }),
    };
}

function notice(text: Text): Notice {
    return { kind: 'info', text };
}

function failureNotice(answer: Answer): Notice {
    return { kind: 'error', text: cat([answer.reason, answer.error && ` (${answer.error})`]) };
}
