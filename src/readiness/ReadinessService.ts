// The workspace's readiness as the entry points ask for it (GET webhook.readiness, slash
// `readiness`, the panel), for a caller the runner allows.
import type { Allowed } from '../runner/access';
import { Answer } from '../runner/answers';
import type { Caller } from '../runner/caller';
import { parseNoQuery } from '../runner/requests';
import { resolveTarget } from '../runner/target';
import type { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { judgeReadiness, Readiness } from './judge';
import { readWorkspace } from './workspace';

export interface ReadinessAnswer extends Answer {
    readiness?: Readiness;
}

export class ReadinessService {
    constructor(private readonly runner: WebhookTestRunner) {}

    /** `GET webhook.readiness`, slash `readiness`: what the workspace's real deliveries send, and where. */
    public answer(caller: Caller, query?: unknown): Promise<ReadinessAnswer> {
        return this.runner.guarded(async () => {
            const parsed = await this.runner.admit(caller, () => parseNoQuery(query));
            if (!parsed.ok) {
                return parsed.answer;
            }
            const { allowed } = parsed;
            const readiness = await this.of(caller, allowed);
            const reason =
                readiness.sends === false
                    ? 'Rocket.Chat sends nothing: see the findings.'
                    : `Rocket.Chat sends ${readiness.events.filter((item) => item.sent === true).length} of ${readiness.events.length} event types${readiness.sends === null ? ' (some unknown: the server did not say)' : ''}.`;
            return { success: true, httpStatus: 200, reason, readiness };
        });
    }

    /** What the workspace sends, for an allowed caller (the check asks for it too). */
    public async of(caller: Caller, allowed: Allowed): Promise<Readiness> {
        const serverSettings = caller.read.getEnvironmentReader().getServerSettings();
        const [workspace, target] = await Promise.all([readWorkspace(serverSettings), resolveTarget(allowed.settings.webhookUrl, serverSettings)]);
        return judgeReadiness(workspace, target && target.url);
    }
}
