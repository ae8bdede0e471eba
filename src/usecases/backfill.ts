// `POST webhook.backfill` `{ from, to } | { ids }` (and `force`), the watch's "Send the lost events
// again" button: what Rocket.Chat sent the CRM while it failed, sent again, once. Only to the
// workspace's own Webhook URL (a backfill stands in for real deliveries); each event the caller may
// see; none already backfilled with a 200 unless `force`; counted against the rate limit like a check.
import { usableSettings } from '../gate/access';
import { Answer, failure, isAnswer } from '../gate/answers';
import { fieldsOf, invalid, Parsed } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { resolveTarget } from '../delivery/target';
import { BackfillResult, runBackfill, SkipReason } from '../backfill/run';
import { hiddenRoomIds } from '../history/visibility';
import { isSameUrl, redactUrl } from '../network/url';
import type { DeliverySettings } from '../settings/settings';
import { eventsOf, sentWithin, TrafficEvent } from '../traffic/journal';
import { code } from '../util/markdown';
import { randomHex } from '../util/random';
import { plural, t } from '../i18n/text';

/** At most this many events in one backfill: a CRM back from an outage should not get thousands at once. */
export const BACKFILL_LIMIT = 500;
const EVENT_ID = /^evt_[0-9a-f]{12}(-\d)?$/;

export interface BackfillRequest {
    window?: { from: number; to: number };
    ids?: Array<string>;
    force: boolean;
}

export interface BackfillAnswer extends Answer {
    backfill?: BackfillResult;
}

export function parseBackfillRequest(body: unknown): Parsed<BackfillRequest> {
    const example = '{"from": "2026-12-06T09:00:00Z", "to": "2026-12-06T10:00:00Z"}';
    const parsed = fieldsOf(body, ['from', 'to', 'ids', 'force'], example);
    if (!parsed.ok) {
        return parsed;
    }
    const { from, to, ids, force } = parsed.value;
    if (force !== undefined && typeof force !== 'boolean') {
        return invalid(t('input.boolean', { name: 'force' }));
    }
    if ((ids === undefined) === (from === undefined && to === undefined)) {
        return invalid(t('input.backfillWhich', { example }));
    }
    if (ids !== undefined) {
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > BACKFILL_LIMIT || !ids.every((id) => typeof id === 'string' && EVENT_ID.test(id))) {
            return invalid(t('input.backfillIds', { max: BACKFILL_LIMIT }));
        }
        return { ok: true, value: { ids: [...new Set(ids as Array<string>)], force: force === true } };
    }
    const [start, end] = [from, to].map((value) => (typeof value === 'string' ? Date.parse(value) : NaN));
    if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end) {
        return invalid(t('input.backfillWindow', { example }));
    }
    return { ok: true, value: { window: { from: start, to: end }, force: force === true } };
}

type Planned = { events: Array<TrafficEvent>; skipped: BackfillResult['skipped']; ready: DeliverySettings; force: boolean };

export const BACKFILL: UseCase<BackfillRequest, BackfillAnswer, Planned> = {
    parse: parseBackfillRequest,
    async prepare(stores, call, { window, ids, force }) {
        const ready = usableSettings(call.settings);
        if (isAnswer(ready)) {
            return ready;
        }
        const serverSettings = call.read.getEnvironmentReader().getServerSettings();
        const [saved, workspace] = await Promise.all([resolveTarget(call.settings.webhookUrl, serverSettings), stores.workspace.get(serverSettings)]);
        if (!saved || !workspace.url || !isSameUrl(saved.url, workspace.url)) {
            const name = (url: string | undefined) => (url ? code(redactUrl(url)) : t('common.noUrl'));
            return failure(409, 'error-not-workspace-url', t('backfill.otherUrl', { saved: name(saved && saved.url), workspace: name(workspace.url) }));
        }
        const records = await stores.journal.all(call.read.getPersistenceReader());
        const skipped: Planned['skipped'] = [];
        const skip = (event: TrafficEvent, why: SkipReason) => skipped.push({ eventId: event.id, why });
        let chosen: Array<TrafficEvent>;
        if (ids) {
            const known = new Map(records.flatMap(eventsOf).map((event) => [event.id, event]));
            const unknown = ids.filter((id) => !known.has(id));
            if (unknown.length > 0) {
                return failure(404, 'error-event-not-found', plural('backfill.unknownIds', unknown.length, { ids: unknown.slice(0, 5).join(', ') }));
            }
            chosen = ids.map((id) => known.get(id)!);
            chosen.filter((event) => event.sent !== true).forEach((event) => skip(event, 'not-sent'));
            chosen = chosen.filter((event) => event.sent === true);
        } else {
            chosen = sentWithin(records, window!.from, window!.to);
        }
        const hidden = await hiddenRoomIds(
            call.read,
            call.viewer,
            chosen.map((event) => event.roomId),
        );
        chosen.filter((event) => hidden.has(event.roomId)).forEach((event) => skip(event, 'withheld'));
        chosen = chosen.filter((event) => !hidden.has(event.roomId));
        if (!force) {
            const done = await stores.backfill.delivered(call.read.getPersistenceReader());
            chosen.filter((event) => done.has(event.id)).forEach((event) => skip(event, 'backfilled'));
            chosen = chosen.filter((event) => !done.has(event.id));
        }
        if (chosen.length > BACKFILL_LIMIT) {
            return failure(400, 'error-invalid-params', t('backfill.tooMany', { count: chosen.length, max: BACKFILL_LIMIT }));
        }
        if (chosen.length === 0) {
            return {
                success: true,
                httpStatus: 200,
                reason: t('backfill.nothing'),
                backfill: { id: '', delivered: [], notSent: [], skipped },
            } as BackfillAnswer;
        }
        chosen.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
        return { cost: chosen.length, input: { events: chosen, skipped, ready, force } };
    },
    tracked: { kind: 'backfill', newId: () => `bfl_${randomHex(6)}` },
    async run(stores, call, { events, skipped, ready, force }, id): Promise<BackfillAnswer> {
        const result = await runBackfill(stores, call, id, events, ready, force, skipped);
        const reason = result.failed
            ? t('backfill.stopped', {
                  delivered: result.delivered.length,
                  event: result.failed.eventId,
                  status: result.failed.status ?? result.failed.verdict,
                  left: result.notSent.length,
              })
            : plural('backfill.done', result.delivered.length, { skipped: result.skipped.length });
        return {
            success: !result.failed,
            httpStatus: 200,
            ...(result.failed && { error: 'error-invalid-webhook-response' as const }),
            reason,
            backfill: result,
        };
    },
};
