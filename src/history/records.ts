// How a delivery is laid out in the app's persistence: one record per delivery (its report, who ran
// it, and its detail when small), plus a detail record for a large body. Every record also carries
// an association of its own, so that it can be removed alone: Rocket.Chat's removeByAssociations
// deletes only one of the records it matches.

import { DeliveryReport } from '../delivery/report';
import type { EventType } from '../payloads/eventTypes';
import type { Text } from '../i18n/text';
import { appKey } from '../util/keys';

/** On every delivery's main record: listing reads these. */
export const DELIVERY = appKey('delivery');
/** On detail records kept apart. */
export const DETAIL = appKey('delivery-detail');
/** On a delivery's main record and its detail record. */
export const deliveryKey = (id: string) => appKey(`delivery:${id}`);
/** 0.1.0 kept the whole history in this one record: `{ entries: [...] }`, newest first. */
export const LEGACY_HISTORY = appKey('delivery-history');

/** What a delivery's request and the receiver's answer carried, besides the report. */
export interface DeliveryDetail {
    /** The exact bytes sent, so they can be sent again; absent when too large to keep. */
    body?: string;
    /** The headers sent, the token's and the signature's values masked. */
    request?: { headers: { [name: string]: string } };
    /** The receiver's headers: at most 50, values cut at 256 characters, secrets masked. */
    response?: { headers: { [name: string]: string } };
    /** A receiver check's steps and problems (a check's detail record). */
    check?: CheckSummary;
}

/** One delivery as the history hands it out. */
export interface StoredDelivery extends Omit<DeliveryDetail, 'check'> {
    kind?: undefined;
    report: DeliveryReport;
    /** Username of who ran it. */
    by: string;
    /** For a test of a URL that is not the saved webhook URL: that URL, so a redelivery goes there again. */
    url?: string;
    /** Whether the body was kept (so it can be sent again), inline or in the detail record. */
    bodyKept: boolean;
}

/** One receiver check as the history hands it out: its brief; `find` adds its steps and problems. */
export interface StoredCheck {
    kind: 'check';
    id: string;
    by: string;
    sentAt: string;
    durationMs: number;
    /** The URL checked, redacted. */
    url?: string;
    /** The event of its first step. */
    event: EventType;
    brief: CheckBrief;
    summary?: CheckSummary;
}

export type StoredEntry = StoredDelivery | StoredCheck;

/** A delivery to record: the body as sent (kept unless too large). */
export type NewDelivery = Omit<StoredDelivery, 'bodyKept' | 'kind'>;

/** A check to record. */
export type NewCheck = Omit<StoredCheck, 'brief' | 'summary'> & { summary: CheckSummary };

/** What a listing shows of a receiver check. */
export interface CheckBrief {
    ready: boolean;
    stepCount: number;
    errors: number;
    findings: number;
}

export function briefOf(check: CheckSummary): CheckBrief {
    const problems = Array.isArray(check.problems) ? check.problems : [];
    return {
        ready: !!check.ready,
        stepCount: Array.isArray(check.steps) ? check.steps.length : 0,
        // Not the workspace's own findings (check/findings.ts, step "Workspace"): the receiver's errors.
        errors: problems.filter((finding) => finding && finding.severity === 'error' && finding.step !== 'Workspace').length,
        findings: problems.length,
    };
}

/** A receiver check as the history keeps it: each step's report, no bodies. */
export interface CheckSummary {
    ready: boolean;
    steps: Array<{
        name: string;
        kind: string;
        event: string;
        verdict: string;
        status?: number;
        durationMs?: number;
        crmData?: unknown;
        report?: DeliveryReport;
    }>;
    /** Hints as texts (0.2.0 kept English strings). */
    problems: Array<{ severity: string; step: string; hint: Text }>;
}

/** A delivery's main record. */
export interface DeliveryRecord {
    v: 2;
    nonce: string;
    /** When it was recorded (ms): orders deliveries that were never sent. */
    at: number;
    report: DeliveryReport;
    by: string;
    url?: string;
    bodyKept: boolean;
    /** 0.2.0 kept a receiver check as a delivery (source `check`): its steps here, or its brief with the steps in the detail. */
    check?: CheckSummary;
    checkBrief?: CheckBrief;
    /** Inline when small, else in the detail record `detailNonce`. */
    detail?: DeliveryDetail;
    detailNonce?: string;
}

/** A receiver check's main record (0.3): what the history hands out but its summary, whose steps are in the detail record `detailNonce`. */
export interface CheckRecord extends Omit<StoredCheck, 'summary'> {
    v: 2;
    nonce: string;
    at: number;
    detailNonce: string;
}

export type MainRecord = DeliveryRecord | CheckRecord;

export interface DetailRecord {
    v: 2;
    nonce: string;
    id: string;
    detail: DeliveryDetail;
}

export function isDeliveryRecord(value: unknown): value is DeliveryRecord {
    const record = value as DeliveryRecord;
    return !!record && record.v === 2 && typeof record.nonce === 'string' && !!record.report && typeof record.report.id === 'string' && 'at' in record;
}

export function isCheckRecord(value: unknown): value is CheckRecord {
    const record = value as CheckRecord;
    return (
        !!record &&
        record.v === 2 &&
        record.kind === 'check' &&
        typeof record.nonce === 'string' &&
        typeof record.id === 'string' &&
        typeof record.at === 'number' &&
        !!record.brief &&
        typeof record.detailNonce === 'string'
    );
}

export function isMainRecord(value: unknown): value is MainRecord {
    return isDeliveryRecord(value) || isCheckRecord(value);
}

export function isDetailRecord(value: unknown): value is DetailRecord {
    const record = value as DetailRecord;
    return (
        !!record &&
        record.v === 2 &&
        typeof record.nonce === 'string' &&
        typeof record.id === 'string' &&
        !!record.detail &&
        !('report' in record) &&
        !('kind' in record)
    );
}

export function idOf(record: MainRecord): string {
    return 'report' in record ? record.report.id : record.id;
}

/** When it happened: sent, or else recorded. */
export function timeOf(record: MainRecord): number {
    const sentAt = 'report' in record ? record.report.sentAt : record.sentAt;
    const sent = sentAt ? Date.parse(sentAt) : NaN;
    return Number.isFinite(sent) ? sent : record.at;
}

/** A main record (and its detail) as the history hands it out. */
export function toStored(record: MainRecord, detail: DeliveryDetail | undefined): StoredEntry {
    if (!('report' in record)) {
        const { v: _v, kind, nonce: _nonce, at: _at, detailNonce: _detailNonce, ...check } = record;
        return { kind, ...check, ...(detail && detail.check && { summary: detail.check }) };
    }
    const summary = record.check || (detail && detail.check);
    if (record.report.source.kind === 'check' && (record.checkBrief || summary)) {
        return legacyCheck(record, summary);
    }
    const { check: _check, ...rest } = detail || {};
    return { report: record.report, by: record.by, ...(record.url && { url: record.url }), bodyKept: record.bodyKept !== false, ...rest };
}

/** 0.2.0 kept a receiver check as a delivery with a made-up verdict and an English hint: read as the check it was. */
function legacyCheck(record: DeliveryRecord, summary: StoredCheck['summary']): StoredCheck {
    const { report } = record;
    return {
        kind: 'check',
        id: report.id,
        by: record.by,
        sentAt: report.sentAt || new Date(record.at).toISOString(),
        durationMs: report.durationMs || 0,
        ...(report.url && { url: report.url }),
        event: report.event,
        brief: record.checkBrief || briefOf(summary!),
        ...(summary && { summary }),
    };
}
