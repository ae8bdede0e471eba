import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { Services } from '../wiring/Services';
import { ENGINE_BUDGET_MS } from '../runner/running';
import { callerOf, respond } from './caller';

/** The engine answers 500 after 30 s: what runs longer is answered 202 with its id, and lands in the history. */
const IN_TIME = { answerWithin: ENGINE_BUDGET_MS };

/** The app's endpoints: each needs a logged-in user and hands the call to the one runner. */
abstract class RunnerEndpoint extends ApiEndpoint {
    public authRequired = true;

    constructor(
        app: IApp,
        protected readonly runner: Services,
    ) {
        super(app);
    }
}

/** `POST webhook.test` `{ event?, roomId? }`: the host's `livechat/webhook.test`, with a delivery report. */
export class WebhookTestEndpoint extends RunnerEndpoint {
    public path = 'webhook.test';

    public async post(
        request: IApiRequest,
        endpoint: IApiEndpointInfo,
        read: IRead,
        modify: IModify,
        http: IHttp,
        persis: IPersistence,
    ): Promise<IApiResponse> {
        return respond(await this.runner.run(callerOf(request, read, http, persis), request.content, IN_TIME));
    }
}

/** `GET webhook.events`: every event type, when the host sends it, and an example payload. */
export class WebhookEventsEndpoint extends RunnerEndpoint {
    public path = 'webhook.events';

    public async get(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return respond(await this.runner.events(callerOf(request, read, http, persis), request.query));
    }
}

/** `GET webhook.deliveries[?id=...|?verdict=&event=&source=&limit=]`: the recorded deliveries with stats, newest first, or one with its detail. */
export class WebhookDeliveriesEndpoint extends RunnerEndpoint {
    public path = 'webhook.deliveries';

    public async get(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return respond(await this.runner.deliveries(callerOf(request, read, http, persis), request.query || {}));
    }
}

/** `POST webhook.redeliver` `{ id }`: sends a recorded delivery's payload again. */
export class WebhookRedeliverEndpoint extends RunnerEndpoint {
    public path = 'webhook.redeliver';

    public async post(
        request: IApiRequest,
        endpoint: IApiEndpointInfo,
        read: IRead,
        modify: IModify,
        http: IHttp,
        persis: IPersistence,
    ): Promise<IApiResponse> {
        return respond(await this.runner.redeliver(callerOf(request, read, http, persis), request.content, IN_TIME));
    }
}

/** `GET webhook.watch`: the health watch's settings, state, uptime and last runs. */
export class WebhookWatchEndpoint extends RunnerEndpoint {
    public path = 'webhook.watch';

    public async get(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return respond(await this.runner.watchStatus(callerOf(request, read, http, persis), request.query));
    }
}

/** `GET webhook.readiness`: what the workspace's real deliveries send, event by event, and where. */
export class WebhookReadinessEndpoint extends RunnerEndpoint {
    public path = 'webhook.readiness';

    public async get(request: IApiRequest, endpoint: IApiEndpointInfo, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return respond(await this.runner.readiness(callerOf(request, read, http, persis), request.query));
    }
}

/** `POST webhook.check` `{ url?, events? }`: the receiver check, every event and the receiver's security, in one answer. */
export class WebhookCheckEndpoint extends RunnerEndpoint {
    public path = 'webhook.check';

    public async post(
        request: IApiRequest,
        endpoint: IApiEndpointInfo,
        read: IRead,
        modify: IModify,
        http: IHttp,
        persis: IPersistence,
    ): Promise<IApiResponse> {
        return respond(await this.runner.check(callerOf(request, read, http, persis), request.content, undefined, IN_TIME));
    }
}
