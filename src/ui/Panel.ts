// The Webhook panel's behaviour: opening it (slash `panel`, the room action), and each click or
// submit in it. Every action goes through the one runner, so it re-checks the permission of whoever
// clicks; the panel is then updated in place. Rocket.Chat's client drops a surface whose triggerId is
// older than 5 s, so long work (a check, a slow receiver) answers within a budget and posts the
// rest privately in the room.
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { checkMessage } from '../check/messages';
import { buildOutcomeBlocks, formatOutcome, replyPrivately } from '../commands/reply';
import { Answer, CheckAnswer, TestOutcome, WebhookTestRunner } from '../runner/WebhookTestRunner';
import { detailView, FORM, PanelModel, panelView, sendFormView } from './views';

export interface UiContext {
    read: IRead;
    http: IHttp;
    persis: IPersistence;
    modify: IModify;
}

/** How long an action may take before the panel answers "still running" (the client waits 5 s for a triggerId). */
export const ANSWER_BUDGET_MS = 3000;

export class Panel {
    constructor(
        private readonly runner: WebhookTestRunner,
        private readonly appId: string,
    ) {}

    /** Opens the panel (or, when the user may not use it, says why privately). */
    public async open(context: UiContext, user: IUser, triggerId: string, room?: IRoom, preselectRoomId?: string): Promise<void> {
        const model = await this.model(context, user, preselectRoomId);
        if (!('deliveries' in model)) {
            if (room) {
                await replyPrivately(context.read, context.modify, user, room, `❌ ${model.reason} (${model.error})`);
            }
            return;
        }
        await context.modify.getUiController().openSurfaceView(panelView(model), { triggerId }, user);
    }

    /** A click in the panel: its buttons and each delivery's overflow menu. */
    public async click(context: UiContext, user: IUser, triggerId: string, actionId: string, value: string | undefined, room?: IRoom): Promise<void> {
        const caller = { user, read: context.read, http: context.http, persis: context.persis, modify: context.modify };
        if (actionId.endsWith('.send')) {
            const allowed = await this.model(context, user);
            if (!('deliveries' in allowed)) {
                return this.update(context, user, triggerId, undefined, { kind: 'error', text: `${allowed.reason} (${allowed.error})` });
            }
            await context.modify.getUiController().openSurfaceView(sendFormView(this.appId, value || undefined), { triggerId }, user);
            return;
        }
        if (actionId.endsWith('.check')) {
            const check = this.runner.check(caller, {});
            const answer = await withinBudget(check);
            if (answer) {
                await this.postCheck(context, user, room, answer);
                return this.update(context, user, triggerId, undefined, answer.steps ? notice(answer.reason) : failureNotice(answer));
            }
            void check.then((late) => this.postCheck(context, user, room, late));
            return this.update(context, user, triggerId, undefined, {
                kind: 'info',
                text: 'Checking the receiver… the table will be posted to you in this room.',
            });
        }
        const [verb, id] = (value || '').split(':');
        if (actionId.endsWith('.delivery') && verb === 'details') {
            const answer = await this.runner.deliveries(caller, { id });
            if (!answer.entry) {
                return this.update(context, user, triggerId, undefined, failureNotice(answer));
            }
            await context.modify.getUiController().openSurfaceView(detailView(this.appId, answer.entry), { triggerId }, user);
            return;
        }
        if (actionId.endsWith('.delivery') && verb === 'again') {
            return this.runAndShow(context, user, triggerId, room, this.runner.redeliver(caller, { id }));
        }
        // Refresh, or anything else: show the panel as it is now.
        return this.update(context, user, triggerId);
    }

    /** The "Send test" form was submitted: the test runs, and the panel shows its outcome. Bad input is shown in the form. */
    public async submit(context: UiContext, user: IUser, triggerId: string, state: unknown, room?: IRoom): Promise<{ errors?: { [blockId: string]: string } }> {
        const read = (blockId: string) => {
            const block = state && typeof state === 'object' ? (state as { [id: string]: { [action: string]: unknown } })[blockId] : undefined;
            const value = block ? block[blockId] : undefined;
            return typeof value === 'string' && value.trim() ? value.trim() : undefined;
        };
        const body = { event: read(FORM.event), ...(read(FORM.room) && { roomId: read(FORM.room) }), ...(read(FORM.url) && { url: read(FORM.url) }) };
        const caller = { user, read: context.read, http: context.http, persis: context.persis, modify: context.modify };
        const test = this.runner.run(caller, body);
        const outcome = await withinBudget(test);
        const refusedUrl = outcome && body.url && outcome.delivery && (outcome.delivery.verdict === 'refused' || outcome.delivery.errorKind === 'invalid-url');
        if (outcome && ((!outcome.delivery && outcome.httpStatus === 400) || refusedUrl)) {
            // The input is wrong: say so in the form, which stays open.
            const field = refusedUrl || /"url"|URL/.test(outcome.reason) ? FORM.url : /room/i.test(outcome.reason) ? FORM.room : FORM.event;
            return { errors: { [field]: outcome.reason } };
        }
        await this.runAndShow(context, user, triggerId, room, test);
        return {};
    }

    private async runAndShow(context: UiContext, user: IUser, triggerId: string, room: IRoom | undefined, work: Promise<TestOutcome>): Promise<void> {
        const outcome = await withinBudget(work);
        if (outcome) {
            return this.update(
                context,
                user,
                triggerId,
                undefined,
                outcome.delivery ? notice(formatOutcome(outcome).split('\n').slice(0, 2).join(' · ')) : failureNotice(outcome),
            );
        }
        void work.then((late) => room && replyPrivately(context.read, context.modify, user, room, formatOutcome(late), buildOutcomeBlocks(late, this.appId)));
        return this.update(context, user, triggerId, undefined, {
            kind: 'info',
            text: 'Still waiting for the receiver… the outcome will be posted to you in this room.',
        });
    }

    private async update(context: UiContext, user: IUser, triggerId: string, roomId?: string, message?: PanelModel['notice']): Promise<void> {
        const model = await this.model(context, user, roomId, message);
        const view =
            'deliveries' in model
                ? panelView(model)
                : panelView({ appId: this.appId, deliveries: [], notice: { kind: 'error', text: `${model.reason} (${model.error})` } });
        await context.modify.getUiController().updateSurfaceView(view, { triggerId }, user);
    }

    private async postCheck(context: UiContext, user: IUser, room: IRoom | undefined, answer: CheckAnswer): Promise<void> {
        if (room && answer.steps) {
            const message = checkMessage(answer);
            await replyPrivately(context.read, context.modify, user, room, message.text, message.blocks);
        }
    }

    /** What the panel shows; an answer when the user may not see it. */
    private async model(context: UiContext, user: IUser, roomId?: string, message?: PanelModel['notice']): Promise<PanelModel | Answer> {
        const caller = { user, read: context.read, http: context.http, persis: context.persis };
        const history = await this.runner.deliveries(caller, { limit: '10' });
        if (!history.success || !history.deliveries) {
            return history;
        }
        const [watch, target] = await Promise.all([this.runner.watchStatus(caller), this.runner.target(caller)]);
        return {
            appId: this.appId,
            deliveries: history.deliveries,
            ...(history.stats && { stats: history.stats }),
            ...(watch.success && { watch }),
            ...(target && { target }),
            ...(message && { notice: message }),
            ...(roomId && { roomId }),
        };
    }
}

function notice(text: string): PanelModel['notice'] {
    return { kind: 'info', text };
}

function failureNotice(answer: Answer): PanelModel['notice'] {
    return { kind: 'error', text: `${answer.reason}${answer.error ? ` (${answer.error})` : ''}` };
}

/** The work's result if it settles within the budget; else undefined (the work goes on). */
async function withinBudget<T>(work: Promise<T>): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ANSWER_BUDGET_MS);
    });
    try {
        return await Promise.race([work, late]);
    } finally {
        clearTimeout(timer);
    }
}
