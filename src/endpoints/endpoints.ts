// The app's REST endpoints, one row each: its path, its method and the use case it runs. Each needs
// a logged-in user (the host answers 401 otherwise) and builds one call for the gate.
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiEndpoint, IApiEndpointInfo, IApiExample, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
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
    /** What Rocket.Chat's app page (Administration → Apps → the app → APIs) shows as the call to make. */
    example: IApiExample;
}

/** Rocket.Chat's app page turns these into a curl line: the caller's own credentials go there. */
const CREDENTIALS = { 'X-User-Id': '<your user id>', 'X-Auth-Token': '<your personal access token>' };
const JSON_BODY = { ...CREDENTIALS, 'Content-Type': 'application/json' };

export const ROUTES: Array<Route> = [
    { path: 'webhook.test', method: 'post', useCase: TEST, long: true, example: { headers: JSON_BODY, content: { event: 'Message' } } },
    { path: 'webhook.events', method: 'get', useCase: EVENTS, example: { headers: CREDENTIALS } },
    { path: 'webhook.deliveries', method: 'get', useCase: DELIVERIES, example: { headers: CREDENTIALS, query: { verdict: 'dropped', limit: '10' } } },
    { path: 'webhook.redeliver', method: 'post', useCase: REDELIVER, long: true, example: { headers: JSON_BODY, content: { id: 'dlv_0123456789ab' } } },
    { path: 'webhook.watch', method: 'get', useCase: WATCH_STATUS, example: { headers: CREDENTIALS } },
    { path: 'webhook.check', method: 'post', useCase: CHECK, long: true, example: { headers: JSON_BODY, content: { events: ['LivechatSession', 'Message'] } } },
    { path: 'webhook.readiness', method: 'get', useCase: READINESS, example: { headers: CREDENTIALS } },
    { path: 'webhook.traffic', method: 'get', useCase: TRAFFIC, example: { headers: CREDENTIALS, query: { sent: 'false', limit: '20' } } },
    {
        path: 'webhook.backfill',
        method: 'post',
        useCase: BACKFILL,
        long: true,
        example: { headers: JSON_BODY, content: { from: '2026-12-06T09:00:00Z', to: '2026-12-06T10:00:00Z' } },
    },
];

abstract class RouteEndpoint extends ApiEndpoint {
    public authRequired = true;
    public path: string;
    public examples: { [method: string]: IApiExample };

    constructor(
        app: IApp,
        private readonly stores: Stores,
        private readonly route: Route,
    ) {
        super(app);
        this.path = route.path;
        this.examples = { [route.method]: route.example };
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
