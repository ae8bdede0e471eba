// The app's REST endpoints, one row each: its path, its method and the use case it runs. Each needs
// a logged-in user (the host answers 401 otherwise) and builds one call for the gate.
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { withCall } from '../call/call';
import type { Answer } from '../gate/answers';
import { pass, UseCase } from '../gate/gate';
import type { Stores } from '../gate/stores';
import { BACKFILL } from '../usecases/backfill';
import { CHECK } from '../usecases/check';
import { DELIVERIES } from '../usecases/deliveries';
import { EVENTS } from '../usecases/events';
import { READINESS } from '../usecases/readiness';
import { REDELIVER } from '../usecases/redeliver';
import { TEST } from '../usecases/test';
import { TRAFFIC } from '../usecases/traffic';
import { WATCH_STATUS } from '../usecases/watch';
import { credentialsOf, respond } from './respond';

export interface Route {
    path: string;
    method: 'get' | 'post';
    useCase: UseCase<any, Answer, any>;
    /** Work that may outlast the engine's 30 s: answered 202 with its id past the budget. */
    long?: boolean;
}

export const ROUTES: Array<Route> = [
    { path: 'webhook.test', method: 'post', useCase: TEST, long: true },
    { path: 'webhook.events', method: 'get', useCase: EVENTS },
    { path: 'webhook.deliveries', method: 'get', useCase: DELIVERIES },
    { path: 'webhook.redeliver', method: 'post', useCase: REDELIVER, long: true },
    { path: 'webhook.watch', method: 'get', useCase: WATCH_STATUS },
    { path: 'webhook.check', method: 'post', useCase: CHECK, long: true },
    { path: 'webhook.readiness', method: 'get', useCase: READINESS },
    { path: 'webhook.traffic', method: 'get', useCase: TRAFFIC },
    { path: 'webhook.backfill', method: 'post', useCase: BACKFILL, long: true },
];

abstract class RouteEndpoint extends ApiEndpoint {
    public authRequired = true;
    public path: string;

    constructor(
        app: IApp,
        private readonly stores: Stores,
        private readonly route: Route,
    ) {
        super(app);
        this.path = route.path;
    }

    /** `this.app`: the app as the engine hands it to this call (on 1.62 a proxy holding the call's logger). */
    protected answer(request: IApiRequest, read: IRead, http: IHttp, persis: IPersistence, input: unknown): Promise<IApiResponse> {
        const budget = this.route.long ? { answerWithin: this.stores.budgets.engineMs } : {};
        return withCall(this.app, { user: request.user, credentials: credentialsOf(request), read, http, persis }, async (call) =>
            respond(await pass(this.stores, call, this.route.useCase, input, budget)),
        );
    }
}

class GetEndpoint extends RouteEndpoint {
    public get(request: IApiRequest, _endpoint: IApiEndpointInfo, read: IRead, _modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return this.answer(request, read, http, persis, request.query);
    }
}

class PostEndpoint extends RouteEndpoint {
    public post(request: IApiRequest, _endpoint: IApiEndpointInfo, read: IRead, _modify: IModify, http: IHttp, persis: IPersistence): Promise<IApiResponse> {
        return this.answer(request, read, http, persis, request.content);
    }
}

/** One endpoint per route, with only its method (the engine answers any other itself). */
export function endpointsOf(app: IApp, stores: Stores): Array<ApiEndpoint> {
    return ROUTES.map((route) => (route.method === 'get' ? new GetEndpoint(app, stores, route) : new PostEndpoint(app, stores, route)));
}
