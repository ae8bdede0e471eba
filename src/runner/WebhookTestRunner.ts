import { IHttp, ILogger, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { CallerCredentials, PermissionGuard, WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { checkDeliverySettings, readAppSettings, SettingId } from '../settings/settings';
import { deliverTest, DeliveryResult } from '../webhook/delivery';
import { buildSamplePayload } from '../webhook/payload';
import { checkWebhookUrl, redactUrl, resolveWebhookTarget, UrlSource } from '../webhook/url';

export type TestErrorCode =
    | 'error-unauthenticated'
    | 'error-unauthorized'
    | 'Webhook_URL_not_set'
    | 'error-invalid-webhook-url'
    | 'error-invalid-setting'
    | 'error-invalid-webhook-response'
    | 'error-internal';

/** What one test came to; the endpoint and the slash command only present it differently. */
export interface TestOutcome {
    success: boolean;
    /** The HTTP status the endpoint answers with. */
    httpStatus: 200 | 400 | 401 | 403 | 500;
    error?: TestErrorCode;
    /** One sentence a person can act on. Never holds the token or a URL's credentials or query. */
    reason: string;
    url?: string;
    urlSource?: UrlSource;
    receiverStatus?: number;
    durationMs?: number;
}

export interface TestRequest {
    user?: IUser;
    /** Present for API calls; slash commands carry none, so they rely on the cached or fallback roles. */
    credentials?: CallerCredentials;
    read: IRead;
    http: IHttp;
}

const MAX_REASON_LENGTH = 300;

export class WebhookTestRunner {
    constructor(private readonly guard: PermissionGuard, private readonly logger: ILogger) {}

    /** Never rejects: a fault of the host itself (not of the receiver or the settings) becomes a 500 outcome. */
    public async run(request: TestRequest): Promise<TestOutcome> {
        try {
            return await this.runChecked(request);
        } catch (error) {
            this.logger.error(`Webhook test could not run: ${error instanceof Error ? error.message : 'unknown error'}`);
            return failure(500, 'error-internal', 'The test could not run because of an unexpected error; the app log has the details.');
        }
    }

    private async runChecked({ user, credentials, read, http }: TestRequest): Promise<TestOutcome> {
        if (!user) {
            return failure(401, 'error-unauthenticated', 'You must be logged in to run the webhook test.');
        }
        const settings = await readAppSettings(read.getEnvironmentReader().getSettings());

        const decision = await this.guard.check(user, { read, http, credentials, fallbackRoles: settings.fallbackRoles });
        if (!decision.allowed) {
            const roles = decision.allowedRoles.length ? decision.allowedRoles.join(', ') : 'none';
            return failure(403, 'error-unauthorized', `You need the ${WEBHOOK_PERMISSION} permission (roles that hold it: ${roles}).`);
        }

        const usable = checkDeliverySettings(settings);
        if (!usable.ok) {
            return failure(400, 'error-invalid-setting', usable.reason);
        }
        const { timeoutMs } = usable;

        const target = await resolveWebhookTarget(settings.webhookUrl, read.getEnvironmentReader().getServerSettings());
        if (!target) {
            return failure(400, 'Webhook_URL_not_set', `No webhook URL: set the app's ${SettingId.WebhookUrl} setting or the workspace's Omnichannel Webhook URL.`);
        }
        const checked = checkWebhookUrl(target.url);
        if (!checked.ok) {
            const where = target.source === 'app-setting' ? `the app's ${SettingId.WebhookUrl} setting` : `the workspace's Omnichannel Webhook URL`;
            return { ...failure(400, 'error-invalid-webhook-url', `The webhook URL in ${where} is not usable: ${checked.reason}.`), urlSource: target.source };
        }

        const url = redactUrl(target.url);
        const body = JSON.stringify(buildSamplePayload(new Date()));
        const result = await deliverTest(http, { url: checked.url.toString(), body, secretToken: settings.secretToken, timeoutMs });
        const outcome: TestOutcome = {
            ...describeDelivery(result, timeoutMs, settings.secretToken),
            url,
            urlSource: target.source,
        };
        this.logger.info(`Webhook test by ${user.username}: ${url} -> ${outcome.success ? 'delivered' : outcome.reason}`);
        return outcome;
    }
}

function failure(httpStatus: TestOutcome['httpStatus'], error: TestErrorCode, reason: string): TestOutcome {
    return { success: false, httpStatus, error, reason };
}

function describeDelivery(result: DeliveryResult, timeoutMs: number, token: string): TestOutcome {
    const { durationMs } = result;
    if (result.kind === 'response' && result.status === 200) {
        return { success: true, httpStatus: 200, reason: `The receiver answered 200 in ${durationMs} ms.`, receiverStatus: 200, durationMs };
    }
    const invalid = (reason: string): TestOutcome => ({ ...failure(400, 'error-invalid-webhook-response', reason), durationMs });
    switch (result.kind) {
        case 'response':
            return {
                ...invalid(`The receiver answered ${result.status}; Rocket.Chat counts only 200 as delivered.`),
                receiverStatus: result.status,
            };
        case 'timeout':
            return invalid(`The receiver did not answer within ${timeoutMs} ms (${SettingId.TimeoutMs}).`);
        case 'network-error':
            return invalid(`Could not reach the receiver: ${scrub(result.message, token)}.`);
    }
}

/** Errors from the host's HTTP layer may quote the URL; keep URL credentials and queries, and the token, out. */
function scrub(message: string, token: string): string {
    let text = message.replace(/https?:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url));
    if (token) {
        text = text.split(token).join('***');
    }
    text = text.replace(/[.\s]+$/, '');
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}
