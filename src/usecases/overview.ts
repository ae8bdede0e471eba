// What the panel shows, for one click authorized once: the last deliveries, the watch, the saved
// webhook URL and the workspace's readiness.
import { Answer, HistoryAnswer } from '../gate/answers';
import { admittedPass, UseCase } from '../gate/gate';
import { resolveTarget } from '../delivery/target';
import { redactUrl } from '../network/url';
import type { WatchAnswer } from '../watch/view';
import { DELIVERIES } from './deliveries';
import { READINESS, ReadinessAnswer, TRAFFIC_WINDOW_MS } from './readiness';
import { TRAFFIC, TrafficAnswer } from './traffic';
import { WATCH_STATUS } from './watch';
import { t } from '../i18n/text';

export interface Overview extends Answer {
    history?: HistoryAnswer;
    watch?: WatchAnswer;
    target?: { url: string; source: string };
    readiness?: ReadinessAnswer;
    /** Real traffic, the last 24 h (counts only). */
    traffic?: TrafficAnswer;
    /** The conversation's own events, when the panel opens for one the caller may see. */
    roomTraffic?: TrafficAnswer;
}

export interface OverviewQuery {
    /** The panel's list of deliveries. */
    limit: string;
    roomId?: string;
}

export const OVERVIEW: UseCase<OverviewQuery, Overview> = {
    parse: (query) => ({ ok: true, value: query as OverviewQuery }),
    async run(stores, call, { limit, roomId }) {
        const serverSettings = call.read.getEnvironmentReader().getServerSettings();
        const since = new Date(Date.now() - TRAFFIC_WINDOW_MS).toISOString();
        const [history, watch, saved, readiness, traffic, roomTraffic] = await Promise.all([
            admittedPass(stores, call, DELIVERIES, { limit }),
            admittedPass(stores, call, WATCH_STATUS, undefined),
            resolveTarget(call.settings.webhookUrl, serverSettings).catch(() => undefined),
            admittedPass(stores, call, READINESS, undefined),
            admittedPass(stores, call, TRAFFIC, { since, limit: '1' }),
            roomId ? admittedPass(stores, call, TRAFFIC, { roomId, limit: '10' }) : undefined,
        ]);
        const target = saved && { url: redactUrl(saved.url), source: saved.source };
        return {
            success: true,
            httpStatus: 200,
            reason: t('answer.panel'),
            history,
            watch,
            ...(target && { target }),
            readiness,
            traffic,
            ...(roomTraffic && roomTraffic.success && { roomTraffic }),
        };
    },
};
