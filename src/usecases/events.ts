// `GET webhook.events`: every event type, when Rocket.Chat sends it, and an example payload.
import { Answer, EventsAnswer } from '../gate/answers';
import { parseNoQuery } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { buildEventSample, EVENT_DESCRIPTIONS, EVENT_TYPES } from '../payloads/events';
import { t } from '../i18n/text';

export const EVENTS: UseCase<unknown, EventsAnswer> = {
    parse: parseNoQuery,
    async run() {
        const now = new Date();
        const events = EVENT_TYPES.map((event) => ({ event, description: EVENT_DESCRIPTIONS[event], example: buildEventSample(event, now) }));
        return { success: true, httpStatus: 200, reason: t('answer.events', { count: events.length }), events };
    },
};

/** Whether the caller may use the app at all (the panel asks before it opens a form). */
export const ALLOWED: UseCase<unknown, Answer> = {
    parse: () => ({ ok: true, value: {} }),
    run: async () => ({ success: true, httpStatus: 200, reason: t('answer.allowed') }),
};
