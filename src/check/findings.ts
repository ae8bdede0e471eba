// What the receiver check makes of each step's answer: the step's verdict, the crmData Rocket.Chat
// would store, and the findings (error / warning / info) with a hint each. Pure.
import type { DeliveryReport } from '../delivery/report';
import { isProbe, savesCrmData, Step } from './plan';

export type StepVerdict = DeliveryReport['verdict'] | 'refused-as-it-should' | 'accepted' | 'no-answer' | 'skipped';

export interface CrmData {
    /** The first 256 characters of the answer, as Rocket.Chat would store them (masked). */
    preview: string;
    bytes: number;
    warning?: string;
}

export interface StepResult {
    name: string;
    kind: Step['kind'];
    event: Step['event'];
    verdict: StepVerdict;
    status?: number;
    durationMs?: number;
    crmData?: CrmData;
    /** The step's delivery report (absent for a skipped step). */
    report?: DeliveryReport;
}

export interface Finding {
    severity: 'error' | 'warning' | 'info';
    step: string;
    hint: string;
}

export const CRM_PREVIEW_CHARS = 256;

/** A step's verdict from its report: probes pass when refused (any non-2xx), events when delivered. */
export function stepResult(step: Step, report: DeliveryReport, contentType: string | undefined, bodyBytes: number): StepResult {
    const base = {
        name: step.name,
        kind: step.kind,
        event: step.event,
        report,
        ...(report.status !== undefined && { status: report.status }),
        ...(report.durationMs !== undefined && { durationMs: report.durationMs }),
    };
    if (isProbe(step.kind)) {
        const verdict: StepVerdict =
            report.status === undefined ? 'no-answer' : report.status >= 200 && report.status < 300 ? 'accepted' : 'refused-as-it-should';
        return { ...base, verdict };
    }
    const crmData = report.status === 200 && savesCrmData(step.event) ? crmDataOf(report.responseExcerpt || '', contentType, bodyBytes) : undefined;
    return { ...base, verdict: report.verdict, ...(crmData && { crmData }) };
}

export function crmDataOf(text: string, contentType: string | undefined, bytes: number): CrmData {
    const preview = text.slice(0, CRM_PREVIEW_CHARS);
    let warning: string | undefined;
    if (/text\/html/i.test(contentType || '') || /^\s*<(!doctype|html|head|body)\b/i.test(text)) {
        warning = "the 200 carries an HTML page: Rocket.Chat saves it as the conversation's crmData";
    } else if (/\b(error|exception|traceback|fatal|stack trace)\b/i.test(preview)) {
        warning = "the 200 carries what looks like an error text: Rocket.Chat saves it as the conversation's crmData";
    }
    return { preview, bytes, ...(warning && { warning }) };
}

const PROBE_PROBLEMS: { [kind: string]: string } = {
    'no-token':
        'accepts deliveries without the token: anyone who learns the URL can write into the CRM. Refuse a request without X-RocketChat-Livechat-Token (401).',
    'wrong-token': 'accepts deliveries with a wrong token: check X-RocketChat-Livechat-Token against the secret and answer 401 when it differs.',
    'wrong-signature': 'accepts a wrong signature: verify webhook-signature (Standard Webhooks) and answer 401 when it does not match.',
    'stale-signature':
        'accepts a signature 10 minutes old: a replayed request gets in. Refuse timestamps older than 5 minutes, as Standard Webhooks libraries do.',
};

export function findingsOf(results: Array<StepResult>, timeoutMs: number): Array<Finding> {
    const findings: Array<Finding> = [];
    for (const result of results) {
        if (result.verdict === 'skipped') {
            findings.push({ severity: 'warning', step: result.name, hint: "Not run: the check's deadline passed first." });
            continue;
        }
        if (isProbe(result.kind)) {
            if (result.verdict === 'accepted') {
                findings.push({ severity: 'error', step: result.name, hint: `The receiver ${PROBE_PROBLEMS[result.kind]}` });
            } else if (result.verdict === 'no-answer') {
                findings.push({
                    severity: 'warning',
                    step: result.name,
                    hint: `No answer to tell whether the receiver refuses it: ${result.report ? result.report.hint : ''}`,
                });
            } else if (result.status !== 401 && result.status !== 403) {
                findings.push({ severity: 'info', step: result.name, hint: `Refused with ${result.status}; 401 (or 403) says why.` });
            }
        } else if (result.kind === 'duplicate') {
            if (result.status === 200) {
                findings.push({
                    severity: 'info',
                    step: result.name,
                    hint: "The receiver answered 200 to a duplicate webhook-id too: Rocket.Chat's retries resend deliveries, so deduplicate by webhook-id (or by the payload's _id and type) if duplicates matter.",
                });
            }
        } else if (result.verdict !== 'delivered') {
            findings.push({ severity: 'error', step: result.name, hint: result.report ? result.report.hint : 'Not delivered.' });
        }
        if (result.crmData && result.crmData.warning) {
            findings.push({
                severity: 'warning',
                step: result.name,
                hint: `${result.crmData.warning[0].toUpperCase()}${result.crmData.warning.slice(1)}; answer 200 with a short JSON body (or none).`,
            });
        }
        if (result.durationMs !== undefined && result.durationMs > timeoutMs / 2) {
            findings.push({
                severity: 'warning',
                step: result.name,
                hint: `Took ${result.durationMs} ms, over half of the ${timeoutMs} ms timeout: answer 200 first and do the slow work afterwards.`,
            });
        }
    }
    return findings;
}
