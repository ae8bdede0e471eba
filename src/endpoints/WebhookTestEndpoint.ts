import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { CallerCredentials } from '../permissions/PermissionGuard';
import { TestOutcome, WebhookTestRunner } from '../runner/WebhookTestRunner';

/** `POST /api/apps/public/<app-id>/webhook.test`: the host's `livechat/webhook.test`, as an app endpoint. */
export class WebhookTestEndpoint extends ApiEndpoint {
    public path = 'webhook.test';
    public authRequired = true;

    constructor(app: IApp, private readonly runner: WebhookTestRunner) {
        super(app);
    }

    public async post(
        request: IApiRequest,
        endpoint: IApiEndpointInfo,
        read: IRead,
        modify: IModify,
        http: IHttp,
        persis: IPersistence,
    ): Promise<IApiResponse> {
        const outcome = await this.runner.run({ user: request.user, credentials: callerCredentials(request), read, http });
        return { status: outcome.httpStatus, content: toContent(outcome) };
    }
}

function toContent(outcome: TestOutcome): { [key: string]: unknown } {
    const { httpStatus, ...content } = outcome;
    return content;
}

function callerCredentials(request: IApiRequest): CallerCredentials | undefined {
    const userId = header(request, 'x-user-id');
    const authToken = header(request, 'x-auth-token');
    return userId && authToken ? { userId, authToken } : undefined;
}

function header(request: IApiRequest, name: string): string | undefined {
    const headers = request.headers || {};
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return typeof value === 'string' && value ? value : undefined;
}
