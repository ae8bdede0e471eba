// What the panel shows, for one click authorized once: the last deliveries, the watch, the saved
// webhook URL and the workspace's readiness.
import { Answer, HistoryAnswer } from '../gate/answers';
import { admittedPass, UseCase } from '../gate/gate';
import { resolveTarget } from '../delivery/target';
import { redactUrl } from '../network/url';
import type { WatchAnswer } from '../watch/view';
import { DELIVERIES } from './deliveries';
import { READINESS, ReadinessAnswer } from './readiness';
import { WATCH_STATUS } from './watch';
import { t } from '../i18n/text';

export interface Overview extends Answer {
    history?: HistoryAnswer;
    watch?: WatchAnswer;
    target?: { url: string; source: string };
    readiness?: ReadinessAnswer;
}

/** `historyQuery`: the panel's list (`{ limit }`). */
export const OVERVIEW: UseCase<unknown, Overview> = {
    parse: (historyQuery) => ({ ok: true, value: historyQuery }),
    async run(stores, call, historyQuery) {
        const serverSettings = call.read.getEnvironmentReader().getServerSettings();
        const [history, watch, saved, readiness] = await Promise.all([
            admittedPass(stores, call, DELIVERIES, historyQuery),
            admittedPass(stores, call, WATCH_STATUS, undefined),
            resolveTarget(call.settings.webhookUrl, serverSettings).catch(() => undefined),
            admittedPass(stores, call, READINESS, undefined),
        ]);
        const target = saved && { url: redactUrl(saved.url), source: saved.source };
        return { success: true, httpStatus: 200, reason: t('answer.panel'), history, watch, ...(target && { target }), readiness };
    },
};
