import { IHttp, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';

import { CallerCredentials } from '../permissions/PermissionGuard';
import { Answer } from '../runner/answers';
import { Caller } from '../runner/caller';
import { localize } from '../i18n/text';

/** The caller of an API request: the user the host authenticated and the credentials they sent. */
export function callerOf(request: IApiRequest, read: IRead, http: IHttp, persis: IPersistence): Caller {
    return { user: request.user, credentials: callerCredentials(request), read, http, persis };
}

/** The answer as the HTTP response: its status, and everything else as the JSON body. */
export function respond(answer: Answer): IApiResponse {
    const { httpStatus, ...content } = answer;
    const headers = answer.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(answer.retryAfterSeconds) };
    // REST answers are read by scripts as much as by people: English, with stable error codes.
    return { status: httpStatus, ...(headers && { headers }), content: localize(content, 'en') };
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
