// The one gate every entry point's work goes through: guard → authorize → parse → rate limit →
// budget → work. A use case (src/usecases/) says how to parse its input, what it must read before it
// may send (a refusal there costs the caller nothing), how many requests it sends, and its work.
import { urlHost } from '../network/url';
import type { AllowedCall, Call } from '../call/call';
import { authorize, rateLimit } from './access';
import { Answer, failure, isAnswer, Running, RunningKind, TestOutcome } from './answers';
import { Budget, withinBudget } from './budget';
import type { Parsed } from './fields';
import type { Stores } from './stores';
import { t } from '../i18n/text';

/** What a use case may send, counted against tests_per_minute, and its input once everything it needs is read. */
export interface Prepared<P> {
    cost: number;
    input: P;
}

export interface UseCase<Req, Out extends Answer, P = Req> {
    /** Named in the app log, one line per call (`Webhook <audit> … by <user>`); absent: no line. */
    audit?: string;
    /** The request's fields (pure): refused with a 400 naming what is wrong. */
    parse(raw: unknown): Parsed<Req>;
    /** What must be read or checked before anything is sent; absent: nothing, and nothing is sent. */
    prepare?(stores: Stores, call: AllowedCall, request: Req): Promise<Prepared<P> | Answer>;
    /** Work that may outlast the engine's budget: tracked under a new id, answered 202 past it. `exclusive`: one per user at a time. */
    tracked?: { kind: RunningKind; newId(): string; exclusive?: (running: Running) => Answer };
    run(stores: Stores, call: AllowedCall, input: P, id: string): Promise<Out | Answer>;
}

/** A user's call: the answer, whatever happens (a fault of the host itself becomes a 500). */
export async function pass<Req, Out extends Answer, P>(
    stores: Stores,
    call: Call,
    useCase: UseCase<Req, Out, P>,
    raw: unknown,
    budget: Budget<Out> = {},
): Promise<Out | Answer> {
    const answer = await guard(call, async () => {
        const admitted = await authorize(stores, call);
        if (!admitted.ok) {
            return admitted.answer;
        }
        return admittedPass(stores, admitted.call, useCase, raw, budget);
    });
    if (useCase.audit) {
        audit(call, useCase.audit, answer as TestOutcome);
    }
    return answer;
}

/** For a call already admitted (the panel's overview reads several use cases for one click): parse → rate limit → budget → work. */
export async function admittedPass<Req, Out extends Answer, P>(
    stores: Stores,
    call: AllowedCall,
    useCase: UseCase<Req, Out, P>,
    raw: unknown,
    budget: Budget<Out> = {},
): Promise<Out | Answer> {
    const parsed = useCase.parse(raw);
    if (!parsed.ok) {
        return failure(400, parsed.error, parsed.reason);
    }
    const prepared = useCase.prepare ? await useCase.prepare(stores, call, parsed.value) : { cost: 0, input: parsed.value as unknown as P };
    if (isAnswer(prepared)) {
        return prepared;
    }
    const tracked = useCase.tracked;
    const id = tracked ? tracked.newId() : '';
    // No await from here to the tracking: two exclusive works of one user cannot both start.
    const mine = tracked && tracked.exclusive && stores.inFlight.ofUser(call.user.id, tracked.kind);
    if (tracked && tracked.exclusive && mine) {
        return tracked.exclusive(mine);
    }
    const limited = rateLimit(stores, call, prepared.cost);
    if (limited) {
        return limited;
    }
    // A refusal the work itself makes is an Answer: every Out is an Answer with optional extras.
    const work = useCase.run(stores, call, prepared.input, id) as Promise<Out>;
    if (!tracked) {
        return work;
    }
    const running = { id, kind: tracked.kind, startedAt: new Date().toISOString(), by: call.user.username };
    stores.inFlight.track({ ...running, userId: call.user.id }, work).catch(() => undefined);
    return withinBudget(running, work, budget, (error) => {
        call.log.error(`Webhook ${tracked.kind} ${id} failed after its answer: ${error instanceof Error ? error.message : 'unknown error'}`);
    });
}

/** The engine's own call (the scheduler, an event): no user to authorize; never throws into the engine. */
export async function passSystem<T>(call: Call, what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
        return await work();
    } catch (error) {
        call.log.error(`Webhook ${what} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        return undefined;
    }
}

/** Never rejects: a fault of the host itself (not of the receiver or the settings) becomes a 500 answer. */
async function guard<T extends Answer>(call: Call, work: () => Promise<T | Answer>): Promise<T | Answer> {
    try {
        return await work();
    } catch (error) {
        call.log.error(`Webhook test could not run: ${error instanceof Error ? error.message : 'unknown error'}`);
        return failure(500, 'error-internal', t('answer.internal'));
    }
}

/** The audit trail: one line per test or redelivery, whatever became of it; never a secret or a URL's path or query. */
function audit(call: Call, what: string, outcome: TestOutcome): void {
    const who = call.user ? `${call.user.username} (${call.user.id})` : 'nobody';
    if (outcome.running) {
        call.log.info(`Webhook ${what} ${outcome.running.id} by ${who}: still running, answered 202; its outcome goes into the history`);
        return;
    }
    const delivery = outcome.delivery;
    if (!delivery) {
        call.log.info(`Webhook ${what} by ${who}: refused ${outcome.httpStatus} ${outcome.error}`);
        return;
    }
    const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
    const timing = delivery.durationMs === undefined ? '' : ` in ${delivery.durationMs} ms`;
    call.log.info(
        `Webhook ${what} ${delivery.id} by ${who}: event ${delivery.event}, host ${urlHost(delivery.url) || '-'} ->${status} ${delivery.verdict}${timing}`,
    );
}
