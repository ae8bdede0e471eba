// An API request as the app reads it (the credentials the caller sent) and its answer as the engine
// sends it.
import { IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';

import type { CallerCredentials } from '../call/call';
import { Answer } from '../gate/answers';
import type { ExportFile } from '../history/export';
import { localize } from '../i18n/text';

/** The answer as the HTTP response: its status, and everything else as the JSON body. */
export function respond(answer: Answer & { file?: ExportFile }): IApiResponse {
    if (answer.file) {
        const { contentType, filename, body } = answer.file;
        return {
            status: answer.httpStatus,
            headers: { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${filename}"` },
            content: body,
        };
    }
    const { httpStatus, ...content } = answer;
    const headers = answer.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(answer.retryAfterSeconds) };
    // REST answers are read by scripts as much as by people: English, with stable error codes.
    return { status: httpStatus, ...(headers && { headers }), content: localize(content, 'en') };
}

/** The X-User-Id/X-Auth-Token the caller sent (header names arrive lower-cased). */
export function credentialsOf(request: IApiRequest): CallerCredentials | undefined {
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
