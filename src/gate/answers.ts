// What the runner answers. The endpoints send an answer as JSON (minus httpStatus); the slash
// command and the button present it as a private message.
import { DeliveryReport } from '../delivery/report';
import type { CheckBrief, CheckSummary, DeliveryDetail } from '../history/records';
import type { HistoryStats } from '../history/stats';
import type { ExportFile } from '../history/export';
import type { EventType } from '../payloads/events';
import { UrlSource } from '../network/url';
import type { Text } from '../i18n/text';

export type ErrorCode =
    | 'error-unauthenticated'
    | 'error-unauthorized'
    | 'error-invalid-params'
    | 'error-invalid-event'
    | 'error-room-not-found'
    | 'error-delivery-not-found'
    | 'error-not-redeliverable'
    | 'error-too-many-requests'
    | 'error-permission-check-unavailable'
    | 'Webhook_URL_not_set'
    | 'error-invalid-webhook-url'
    | 'error-ssrf-validation-failed'
    | 'error-invalid-setting'
    | 'error-invalid-webhook-response'
    | 'error-check-running'
    | 'error-not-workspace-url'
    | 'error-event-not-found'
    | 'error-internal';

export type RunningKind = 'delivery' | 'check' | 'watch' | 'backfill';

/** Work still going after the engine's budget (runner/running.ts). */
export interface Running {
    id: string;
    kind: RunningKind;
    startedAt: string;
    by: string;
}

export type HttpStatus = 200 | 202 | 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503;

export interface Answer {
    success: boolean;
    httpStatus: HttpStatus;
    error?: ErrorCode;
    /** One sentence a person can act on (REST answers render it in English). Never holds a secret or a URL's credentials or query. */
    reason: Text;
    /** With 429 (and a 503 the workspace's rate limiter caused): when to try again (also sent as the Retry-After header). */
    retryAfterSeconds?: number;
    /** With 202: the work still running, whose outcome lands in the history. */
    running?: Running;
}

/** What one test (or redelivery) came to. */
export interface TestOutcome extends Answer {
    url?: string;
    urlSource?: UrlSource;
    receiverStatus?: number;
    durationMs?: number;
    /** Present once the test got as far as a payload and a URL decision. */
    delivery?: DeliveryReport;
}

/** A delivery in the history. */
export interface DeliveryItem extends DeliveryReport {
    kind?: undefined;
    by: string;
    redeliverable: boolean;
    /** A conversation the caller may not see: why its room id, payload and the receiver's answer are not shown. */
    withheld?: Text;
}

/** A receiver check in the history: its brief (by id, `entry`, also its steps and problems). */
export interface CheckItem {
    kind: 'check';
    id: string;
    source: { kind: 'check' };
    /** The event of its first step. */
    event: EventType;
    url?: string;
    sentAt: string;
    durationMs: number;
    by: string;
    redeliverable: false;
    check: CheckBrief;
    /** The brief as a sentence, in the reader's language. */
    summary: Text;
}

export type HistoryItem = DeliveryItem | CheckItem;

export interface HistoryAnswer extends Answer {
    deliveries?: Array<HistoryItem>;
    /** Over every kept delivery that matches the filters (not only the `limit` listed); checks are not counted. */
    stats?: HistoryStats;
    /** One delivery with the exact body sent and the headers, or one check with its steps, when asked for by id. */
    /** With `format=csv|ndjson`: the listing as a file, sent as it is. */
    file?: ExportFile;
    entry?: (DeliveryItem & Omit<DeliveryDetail, 'check'> & { bodyWithheld?: Text }) | (Omit<CheckItem, 'check'> & { check: CheckBrief & CheckSummary });
}

export interface EventsAnswer extends Answer {
    events?: Array<{ event: EventType; description: string; example: { [key: string]: unknown } }>;
}

export function failure(httpStatus: HttpStatus, error: ErrorCode, reason: Text): Answer {
    return { success: false, httpStatus, error, reason };
}

export function isAnswer(value: unknown): value is Answer {
    return !!value && typeof value === 'object' && 'httpStatus' in value;
}
