// The Webhook panel's behaviour: opening it (slash `panel`, the room action), and each click or
// submit in it. Every action goes through the one runner, so it re-checks the permission of whoever
// clicks; the panel is then updated in place. Rocket.Chat's client drops a surface whose triggerId is
// older than 5 s, so an interaction answers within one budget and posts what comes later privately.
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { checkMessage } from '../check/messages';
import { buildOutcomeBlocks, formatOutcome, replyPrivately } from '../commands/reply';
import type { CheckAnswer } from '../check/Checks';
import { Answer, TestOutcome } from '../runner/answers';
import { Services } from '../wiring/Services';
import { Log } from '../util/log';
import { ANSWER_BUDGET_MS, settledBy } from './budget';
import { entryView } from './detail';
import { fieldOfOutcome, readSendForm } from './form';
import { PanelRooms } from './PanelRooms';
import { PanelModel, panelView, sendFormView, unavailableView } from './views';
import { readerLanguage } from '../i18n/language';
import { cat, Lang, localize, render, t, Text } from '../i18n/text';

export interface UiContext {
    read: IRead;
    http: IHttp;
    persis: IPersistence;
    modify: IModify;
}

type Notice = PanelModel['notice'];

export class Panel {
    private readonly rooms = new PanelRooms();

    constructor(
        private readonly runner: Services,
        private readonly appId: string,
        private readonly log: Log,
    ) {}

    /** Opens the panel (or, when the user may not use it, says why privately); `preselectRoomId` fills the form's room. */
    public async open(context: UiContext, user: IUser, triggerId: string, room?: IRoom, preselectRoomId?: string, message?: Notice): Promise<void> {
        const lang = await readerLanguage(context.read, user);
        const model = await this.model(context, user, lang, preselectRoomId, message);
        if (!('deliveries' in model)) {
            if (room) {
                await replyPrivately(context.read, context.modify, user, room, `❌ ${render(model.reason, lang)} (${model.error})`);
            }
            return;
        }
        await Promise.all([
            room && this.rooms.remember(context.persis, user.id, room.id),
            context.modify.getUiController().openSurfaceView(panelView(model), { triggerId }, user),
        ]);
    }

    /** The room action: the panel for that conversation; a room that is not one opens the panel as it is and says so. */
    public openForRoom(context: UiContext, user: IUser, triggerId: string, room?: IRoom): Promise<void> {
        return room && room.type === RoomType.LIVE_CHAT
            ? this.open(context, user, triggerId, room, room.id)
            : this.open(context, user, triggerId, room, undefined, {
                  kind: 'error',
                  text: t('panel.notOmnichannelRoom'),
              });
    }

    /** A click in the panel: its buttons and each delivery's overflow menu. */
    public async click(context: UiContext, user: IUser, triggerId: string, actionId: string, value: string | undefined, room?: IRoom): Promise<void> {
        const caller = { user, read: context.read, http: context.http, persis: context.persis, modify: context.modify };
        const deadline = Date.now() + ANSWER_BUDGET_MS;
        const lang = await readerLanguage(context.read, user);
        if (actionId.endsWith('.send')) {
            const allowed = await this.runner.allows(caller);
            if (!allowed.success) {
                return this.update(context, user, lang, triggerId, undefined, failureNotice(allowed));
            }
            await context.modify.getUiController().openSurfaceView(sendFormView(this.appId, lang, value || undefined), { triggerId }, user);
            return;
        }
        if (actionId.endsWith('.check')) {
            const check = this.runner.check(caller, {});
            const answer = await settledBy(check, deadline);
            if (answer) {
                await this.postCheck(context, user, lang, room, answer);
                return this.update(context, user, lang, triggerId, undefined, answer.steps ? notice(answer.reason) : failureNotice(answer));
            }
            const where = await this.lateRoom(context, user, room);
            this.later(user, 'check', check, async (late) => {
                if (!where) {
                    return;
                }
                // In time, a failure shows in the panel; late, it is posted like the table would have been.
                return late.steps
                    ? this.postCheck(context, user, lang, where, late)
                    : replyPrivately(context.read, context.modify, user, where, `❌ ${render(failureNotice(late)!.text, lang)}`);
            });
            return this.update(context, user, lang, triggerId, undefined, notice(t(where ? 'panel.checkingPosted' : 'panel.checkingRefresh')));
        }
        if (actionId.endsWith('.delivery')) {
            const [verb, id] = (value || '').split(':');
            if (!id || (verb !== 'details' && verb !== 'again')) {
                return this.update(context, user, lang, triggerId, undefined, { kind: 'error', text: t('panel.noSuchEntry') });
            }
            if (verb === 'details') {
                const answer = await this.runner.deliveries(caller, { id });
                if (!answer.entry) {
                    return this.update(context, user, lang, triggerId, undefined, failureNotice(answer));
                }
                await context.modify.getUiController().openSurfaceView(entryView(this.appId, answer.entry, lang), { triggerId }, user);
                return;
            }
            return this.runAndShow(context, user, lang, triggerId, room, this.runner.redeliver(caller, { id }), deadline);
        }
        // Refresh, or anything else: show the panel as it is now.
        return this.update(context, user, lang, triggerId);
    }

    /** The "Send test" form was submitted: bad input is shown under its field (the form stays open); else the panel shows the outcome. */
    public async submit(context: UiContext, user: IUser, triggerId: string, state: unknown, room?: IRoom): Promise<{ errors?: { [field: string]: string } }> {
        const deadline = Date.now() + ANSWER_BUDGET_MS;
        const lang = await readerLanguage(context.read, user);
        const form = readSendForm(state);
        if (!form.ok) {
            return { errors: localize(form.errors, lang) as { [field: string]: string } };
        }
        const body = form.body;
        const caller = { user, read: context.read, http: context.http, persis: context.persis, modify: context.modify };
        const test = this.runner.run(caller, body);
        const outcome = await settledBy(test, deadline);
        const field = outcome && !outcome.success ? fieldOfOutcome(outcome, body) : undefined;
        if (outcome && field) {
            return { errors: { [field]: render(outcome.reason, lang) } };
        }
        await this.runAndShow(context, user, lang, triggerId, room, test, deadline);
        return {};
    }

    private async runAndShow(
        context: UiContext,
        user: IUser,
        lang: Lang,
        triggerId: string,
        room: IRoom | undefined,
        work: Promise<TestOutcome>,
        deadline: number,
    ): Promise<void> {
        const outcome = await settledBy(work, deadline);
        if (outcome) {
            const shown = outcome.delivery ? notice(formatOutcome(outcome, lang).split('\n').slice(0, 2).join(' · ')) : failureNotice(outcome);
            return this.update(context, user, lang, triggerId, undefined, shown);
        }
        const where = await this.lateRoom(context, user, room);
        this.later(user, 'test', work, async (late) => {
            if (where) {
                await replyPrivately(context.read, context.modify, user, where, formatOutcome(late, lang), buildOutcomeBlocks(late, this.appId, lang));
            }
        });
        return this.update(context, user, lang, triggerId, undefined, notice(t(where ? 'panel.waitingPosted' : 'panel.waitingRefresh')));
    }

    /**
     * Work that goes on after the interaction answered. The engine stores a call's log when the call
     * ends, so the audit line saying who started it is written now; a failure later must not become
     * an unhandled rejection (the runtime reports those as its own errors).
     */
    private later<T>(user: IUser, what: string, work: Promise<T>, then: (result: T) => Promise<void>): void {
        this.log.info(
            `Webhook ${what} by ${user.username} (${user.id}) from the panel: still running after ${ANSWER_BUDGET_MS} ms; its outcome goes to the history.`,
        );
        work.then(then).catch((error) =>
            this.log.error(`Webhook ${what} from the panel: the late outcome could not be posted: ${error instanceof Error ? error.message : 'unknown error'}`),
        );
    }

    /** Where a late outcome goes: the interaction's room, else the room the user last opened the panel in. */
    private async lateRoom(context: UiContext, user: IUser, room?: IRoom): Promise<IRoom | undefined> {
        if (room) {
            return room;
        }
        const roomId = await this.rooms.recall(context.read.getPersistenceReader(), user.id).catch(() => undefined);
        return roomId
            ? context.read
                  .getRoomReader()
                  .getById(roomId)
                  .catch(() => undefined)
            : undefined;
    }

    private async update(context: UiContext, user: IUser, lang: Lang, triggerId: string, roomId?: string, message?: Notice): Promise<void> {
        const model = await this.model(context, user, lang, roomId, message);
        const view = 'deliveries' in model ? panelView(model) : unavailableView(this.appId, cat([model.reason, ` (${model.error})`]), lang);
        await context.modify.getUiController().updateSurfaceView(view, { triggerId }, user);
    }

    private async postCheck(context: UiContext, user: IUser, lang: Lang, room: IRoom | undefined, answer: CheckAnswer): Promise<void> {
        if (room && answer.steps) {
            const message = checkMessage(answer, lang);
            await replyPrivately(context.read, context.modify, user, room, message.text, message.blocks);
        }
    }

    /** What the panel shows; an answer when the user may not see it. */
    private async model(context: UiContext, user: IUser, lang: Lang, roomId?: string, message?: Notice): Promise<PanelModel | Answer> {
        const caller = { user, read: context.read, http: context.http, persis: context.persis };
        const overview = await this.runner.overview(caller, { limit: '10' });
        const { history, watch, target, readiness } = overview;
        if (!overview.success || !history || !history.success || !history.deliveries || !watch || !readiness) {
            return history && !history.success ? history : overview;
        }
        return {
            appId: this.appId,
            lang,
            deliveries: history.deliveries,
            ...(history.stats && { stats: history.stats }),
            ...(watch.success && { watch }),
            ...(readiness.readiness && { readiness: readiness.readiness }),
            ...(target && { target }),
            ...(message && { notice: message }),
            ...(roomId && { roomId }),
        };
    }
}

function notice(text: Text): Notice {
    return { kind: 'info', text };
}

function failureNotice(answer: Answer): Notice {
    return { kind: 'error', text: cat([answer.reason, answer.error && ` (${answer.error})`]) };
}
