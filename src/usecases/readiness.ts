// `GET webhook.readiness`, slash `readiness`, the panel's workspace line: what the workspace's real
// deliveries send, event by event, and where.
import type { Call } from '../call/call';
import { Answer } from '../gate/answers';
import type { UseCase } from '../gate/gate';
import { resolveTarget } from '../delivery/target';
import { judgeReadiness, Readiness } from '../readiness/judge';
import { readWorkspace } from '../readiness/workspace';
import type { AppSettings } from '../settings/settings';
import { parseNoQuery } from '../gate/fields';
import { countsOf, offWhileHappening } from '../traffic/counts';
import { eventsOf } from '../traffic/journal';

export interface ReadinessAnswer extends Answer {
    readiness?: Readiness;
}

/** What the workspace sends (the receiver check asks for it too). */
export async function readinessOf(call: Call, settings: AppSettings): Promise<Readiness> {
    const serverSettings = call.read.getEnvironmentReader().getServerSettings();
    const [workspace, target] = await Promise.all([readWorkspace(serverSettings), resolveTarget(settings.webhookUrl, serverSettings)]);
    return judgeReadiness(workspace, target && target.url);
}

/** The last 24 h of real traffic decide too: a switch that is off while its events happen. */
export const TRAFFIC_WINDOW_MS = 24 * 60 * 60 * 1000;

export const READINESS: UseCase<unknown, ReadinessAnswer> = {
    parse: parseNoQuery,
    async run(stores, call) {
        const [judged, records] = await Promise.all([readinessOf(call, call.settings), stores.journal.all(call.read.getPersistenceReader())]);
        const since = Date.now() - TRAFFIC_WINDOW_MS;
        const counts = countsOf(records.filter((record) => record.at >= since).flatMap(eventsOf));
        const readiness = { ...judged, findings: [...offWhileHappening(counts), ...judged.findings] };
        const reason =
            readiness.sends === false
                ? 'Rocket.Chat sends nothing: see the findings.'
                : `Rocket.Chat sends ${readiness.events.filter((item) => item.sent === true).length} of ${readiness.events.length} event types${readiness.sends === null ? ' (some unknown: the server did not say)' : ''}.`;
        return { success: true, httpStatus: 200, reason, readiness };
    },
};
