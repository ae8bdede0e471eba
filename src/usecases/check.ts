// `POST webhook.check` `{ url?, events? }`, slash `check`, the panel's "Check receiver": every event,
// the receiver's own security and speed, one step after another. Each request of the check counts
// against tests_per_minute (at most the whole minute's), and a user runs one check at a time.
import { usableSettings } from '../gate/access';
import { Answer, failure, isAnswer } from '../gate/answers';
import { fieldsOf, invalid, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { record } from '../delivery/send';
import { Finding, receiverErrors, StepResult } from '../check/findings';
import { checkEntry, runCheck, stepCount } from '../check/ReceiverCheck';
import { EVENT_TYPES, EventType, parseEventType } from '../payloads/eventTypes';
import type { DeliverySettings } from '../settings/settings';
import { randomHex } from '../util/random';
import { CONTROL, MAX_URL_LENGTH } from './test';
import { readinessOf } from './readiness';
import { plural, t } from '../i18n/text';

export interface CheckAnswer extends Answer {
    id?: string;
    /** No `error` finding. */
    ready?: boolean;
    steps?: Array<StepResult>;
    problems?: Array<Finding>;
    durationMs?: number;
    url?: string;
}

export interface CheckRequest {
    url?: string;
    /** A subset of the event types; absent: all. */
    events?: Array<EventType>;
    /** Told the number of steps before the first one runs (the slash command says "Checking N steps…"). */
    onPlanned?: (steps: number) => Promise<void>;
}

/** `POST webhook.check`: `{ url?, events? }`. */
export function parseCheckRequest(body: unknown): Parsed<CheckRequest> {
    const parsed = fieldsOf(body, ['url', 'events'], '{"events": ["Message"], "url": "https://…"}');
    if (!parsed.ok) {
        return parsed;
    }
    const { url, events } = parsed.value;
    if (url !== undefined && (typeof url !== 'string' || url.length > MAX_URL_LENGTH || CONTROL.test(url))) {
        return invalid(t('input.checkUrl', { max: MAX_URL_LENGTH }));
    }
    if (events !== undefined && (!Array.isArray(events) || events.length === 0 || events.length > EVENT_TYPES.length * 2)) {
        return invalid(t('input.events', { events: EVENT_TYPES.join(', ') }));
    }
    const chosen: Array<EventType> = [];
    for (const value of (events as Array<unknown>) || []) {
        const event = typeof value === 'string' && value.trim() ? parseEventType(value) : undefined;
        if (!event || !event.ok) {
            return {
                ok: false,
                error: 'error-invalid-event',
                reason: t('input.eventsHolds', { value: JSON.stringify(String(value)).slice(0, 42), events: EVENT_TYPES.join(', ') }),
            };
        }
        chosen.push(event.event);
    }
    return { ok: true, value: { ...(typeof url === 'string' && { url: url.trim() }), ...(chosen.length && { events: chosen }) } };
}

/** The check for a slash command, which says how many steps it runs before the first one. */
export function checkWithPlan(onPlanned: (steps: number) => Promise<void>): UseCase<CheckRequest, CheckAnswer, CheckRequest & { ready: DeliverySettings }> {
    return { ...CHECK, parse: (body) => withPlan(parseCheckRequest(body), onPlanned) };
}

function withPlan(parsed: Parsed<CheckRequest>, onPlanned: (steps: number) => Promise<void>): Parsed<CheckRequest> {
    return parsed.ok ? { ok: true, value: { ...parsed.value, onPlanned } } : parsed;
}

export const CHECK: UseCase<CheckRequest, CheckAnswer, CheckRequest & { ready: DeliverySettings }> = {
    parse: parseCheckRequest,
    async prepare(_stores, call, request) {
        const ready = usableSettings(call.settings);
        if (isAnswer(ready)) {
            return ready;
        }
        const cost = await stepCount(call, { settings: call.settings, ready, requestedUrl: request.url, events: request.events });
        return { cost, input: { ...request, ready } };
    },
    tracked: {
        kind: 'check',
        newId: () => `chk_${randomHex(6)}`,
        exclusive: (mine) => failure(409, 'error-check-running', t('check.running', { id: mine.id, since: mine.startedAt })),
    },
    async run(stores, call, { url: requestedUrl, events, onPlanned, ready }, id): Promise<CheckAnswer> {
        const by = call.user.username;
        const readiness = await readinessOf(call, call.settings);
        const result = await runCheck(stores, call, { settings: call.settings, ready, requestedUrl, events, by, onPlanned, id, readiness });
        if (result.steps.length > 0) {
            record(stores, call, checkEntry(result, by, result.steps[0].event));
        }
        const errors = receiverErrors(result.problems);
        call.log.info(`Webhook check ${result.id} by ${by} (${call.user.id}): ${result.steps.length} steps, ${errors} errors, ${result.durationMs} ms`);
        const reason = result.ready
            ? t('check.readyReason', { steps: result.steps.length })
            : plural('check.notReadyReason', errors, { steps: result.steps.length });
        return { success: true, httpStatus: 200, reason, ...result };
    },
};
