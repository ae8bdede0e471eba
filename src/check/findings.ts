// What the receiver check makes of each step's answer: the step's verdict (a probe judged against
// its baseline, the same payload sent correctly), the crmData Rocket.Chat would store, and the
// findings (error / warning / info) with a hint each. Pure.
import type { DeliveryReport } from '../delivery/report';
import { isReceiverFailure } from '../delivery/rules';
import { dedupAdvice, sampleOnlyHint, tookNoData } from './hints';
import { baselineKind, isProbe, savesCrmData, Step, stepLabel } from './plan';
import { verdictLabel } from '../delivery/labels';
import { cat, list, Message, t, Text } from '../i18n/text';
import { code } from '../util/markdown';
import type { Readiness } from '../readiness/judge';

export type StepVerdict =
    | DeliveryReport['verdict']
    | 'refused-as-it-should'
    /** A probe answered 200 with a text saying it took nothing: refused, but Rocket.Chat would count it delivered. */
    | 'refused-with-200'
    | 'accepted'
    | 'crashed'
    | 'inconclusive'
    | 'no-answer'
    | 'skipped';

export interface CrmData {
    /** The first 256 characters of the answer, as Rocket.Chat would store them (masked). */
    preview: string;
    bytes: number;
    warning?: Text;
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
    /** The workspace does not send this event: the settings that keep it off. Its findings count for nothing. */
    notSent?: Array<string>;
}

export interface Finding {
    severity: 'error' | 'warning' | 'info';
    step: string;
    hint: Text;
    /** A finding shared by several steps: their names. */
    steps?: Array<string>;
}

export const CRM_PREVIEW_CHARS = 256;

/** The step name of the workspace's own findings (readiness), listed first. */
export const WORKSPACE_STEP = 'Workspace';

/** Event steps for events the workspace does not send are marked (still tested). */
export function markNotSent(results: Array<StepResult>, readiness: Readiness | undefined): Array<StepResult> {
    if (!readiness || !readiness.sends) {
        return results;
    }
    return results.map((result) => {
        const item = readiness.events.find((candidate) => candidate.event === result.event);
        // The real-delivery step is LivechatSession too: a workspace that does not send it does not count it either.
        return (result.kind === 'event' || result.kind === 'real-shape') && item && item.sent === false ? { ...result, notSent: item.settings } : result;
    });
}

/** The receiver's errors: the workspace's own findings come first but are not the receiver's. */
export function receiverErrors(problems: Array<Finding>): number {
    return problems.filter((finding) => finding.severity === 'error' && finding.step !== WORKSPACE_STEP).length;
}

export function workspaceFindings(readiness: Readiness | undefined): Array<Finding> {
    return readiness ? readiness.findings.filter((finding) => finding.severity !== 'info').map((finding) => ({ ...finding, step: WORKSPACE_STEP })) : [];
}

/** A step's verdict from its own report: probes by their status (baselines are applied after), events as delivered or not. */
export function stepResult(step: Step, report: DeliveryReport, bodyBytes: number): StepResult {
    const base = {
        name: step.name,
        kind: step.kind,
        event: step.event,
        report,
        ...(report.status !== undefined && { status: report.status }),
        ...(report.durationMs !== undefined && { durationMs: report.durationMs }),
    };
    if (isProbe(step.kind)) {
        const status = report.status;
        const ok = status !== undefined && status >= 200 && status < 300;
        const verdict: StepVerdict =
            status === undefined
                ? 'no-answer'
                : ok && tookNoData(report.responseExcerpt || '')
                  ? 'refused-with-200'
                  : ok
                    ? 'accepted'
                    : isReceiverFailure(status)
                      ? 'crashed'
                      : 'refused-as-it-should';
        return { ...base, verdict };
    }
    const crmData = report.status === 200 && savesCrmData(step.event) ? crmDataOf(report.responseExcerpt || '', bodyBytes) : undefined;
    return { ...base, verdict: report.verdict, ...(crmData && { crmData }) };
}

/** A probe whose baseline (the same payload sent correctly) was not accepted tells nothing: inconclusive. */
export function judgeProbes(results: Array<StepResult>, signingOn: boolean): Array<StepResult> {
    return results.map((result) => {
        const kind = baselineKind(result.kind, signingOn);
        if (!kind || result.verdict === 'skipped') {
            return result;
        }
        const baseline = results.find((candidate) => candidate.kind === kind);
        if (!baseline || baseline.verdict !== 'delivered') {
            return { ...result, verdict: 'inconclusive' };
        }
        if (result.verdict === 'refused-with-200') {
            // The same answer as to the correct delivery: the probe was treated alike, so it was accepted.
            const said = (step: StepResult) => (step.report && step.report.responseExcerpt) || '';
            return said(baseline) === said(result)
                ? { ...result, verdict: 'accepted' }
                : tookNoData(said(baseline))
                  ? { ...result, verdict: 'inconclusive' }
                  : result;
        }
        return result;
    });
}

export function crmDataOf(text: string, bytes: number): CrmData {
    const preview = text.slice(0, CRM_PREVIEW_CHARS);
    let warning: Text | undefined;
    // HTML only when it is HTML: Flask and Django label plain strings text/html.
    if (/^\s*<(!doctype|html)\b/i.test(text)) {
        warning = t('check.crmHtml');
    } else if (tookNoData(text)) {
        warning = t('check.crmNoData', { answer: quoteAnswer(text) });
    }
    return { preview, bytes, ...(warning && { warning }) };
}

/** The first line of a receiver's answer, short enough to quote. */
export function firstLine(text: string): string {
    const line = (text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') || '').trim();
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** A receiver's words as a text shows them: inert (a code span), whatever markdown they hold. */
export function quoteAnswer(text: string): string {
    return code(firstLine(text));
}

const PROBE_PROBLEMS: { [kind: string]: Message } = {
    'no-token': t('check.acceptsNoToken'),
    'wrong-token': t('check.acceptsWrongToken'),
    'wrong-signature': t('check.acceptsWrongSignature'),
    'stale-signature': t('check.acceptsStaleSignature'),
};

export function findingsOf(results: Array<StepResult>, timeoutMs: number): Array<Finding> {
    const findings: Array<Finding> = [];
    const add = (severity: Finding['severity'], step: string, hint: Text) => findings.push({ severity, step, hint });
    const byKind = (kind: Step['kind']) => results.find((result) => result.kind === kind);
    // The token was accepted on some step: a 401 elsewhere is about the payload, not the token.
    // The same crmData warning on many steps is one finding naming them.
    const crmWarnings = new Map<string, { warning: Text; steps: Array<string> }>();
    const tokenAccepted = results.some((result) => !isProbe(result.kind) && result.kind !== 'duplicate' && result.status === 200);
    for (const result of results) {
        const said = firstLine((result.report && result.report.responseExcerpt) || '');
        const answer = said && quoteAnswer(said);
        if (result.verdict === 'skipped') {
            add('warning', result.name, t('check.notRun'));
            continue;
        }
        if (isProbe(result.kind)) {
            const secret = result.kind.endsWith('token') ? 'token' : 'signature';
            if (result.verdict === 'inconclusive') {
                add('warning', result.name, t(secret === 'token' ? 'check.inconclusiveToken' : 'check.inconclusiveSignature'));
            } else if (result.verdict === 'accepted' && secret === 'token') {
                add('error', result.name, PROBE_PROBLEMS[result.kind]);
            } else if (result.verdict === 'accepted') {
                add('warning', result.name, t('check.signatureNotVerified', { problem: PROBE_PROBLEMS[result.kind] }));
            } else if (result.verdict === 'refused-with-200') {
                add('warning', result.name, answer ? t('check.refusedWith200Quoted', { answer }) : t('check.refusedWith200'));
            } else if (result.verdict === 'crashed') {
                add('error', result.name, t(secret === 'token' ? 'check.crashesToken' : 'check.crashesSignature', { status: result.status }));
            } else if (result.verdict === 'no-answer') {
                add('warning', result.name, t('check.noAnswer', { hint: result.report ? result.report.hint : '' }));
            } else if (result.status !== 401 && result.status !== 403) {
                add('info', result.name, t('check.refusedOtherStatus', { status: result.status }));
            }
        } else if (result.kind === 'duplicate') {
            if (result.status === 200) {
                add('info', result.name, dedupAdvice(result.event));
            }
        } else if (result.verdict !== 'delivered') {
            const signed = byKind('real-shape-signed');
            const real = byKind('real-shape');
            if (result.kind === 'real-shape' && signed && signed.verdict === 'delivered') {
                add('error', result.name, t('check.needsSignature', { status: result.status ?? verdictLabel(result.verdict as DeliveryReport['verdict']) }));
            } else if (result.kind === 'event' && result.event === 'LivechatSession' && real && real.verdict === 'delivered') {
                add('warning', result.name, sampleOnlyHint(answer));
            } else if ((result.status === 401 || result.status === 403) && tokenAccepted) {
                add(
                    'error',
                    result.name,
                    answer ? t('check.payloadRefusedQuoted', { status: result.status, answer }) : t('check.payloadRefused', { status: result.status }),
                );
            } else {
                add('error', result.name, result.report ? result.report.hint : t('check.notDelivered'));
            }
        }
        if (result.crmData && result.crmData.warning) {
            const key = JSON.stringify(result.crmData.warning);
            const seen = crmWarnings.get(key);
            crmWarnings.set(key, { warning: result.crmData.warning, steps: [...(seen ? seen.steps : []), result.name] });
        }
        if (result.durationMs !== undefined && result.durationMs > timeoutMs / 2) {
            add('warning', result.name, t('check.slow', { ms: result.durationMs, timeout: timeoutMs }));
        }
    }
    for (const { warning, steps } of crmWarnings.values()) {
        findings.push({
            severity: 'warning',
            step: steps.length > 1 ? `${steps.length} steps` : steps[0],
            hint:
                steps.length > 1
                    ? t('check.crmWarningOn', { warning, count: steps.length, steps: cat(steps.map(stepLabel), ', ') })
                    : t('check.crmWarning', { warning }),
            ...(steps.length > 1 && { steps }),
        });
    }
    // A step of an event the workspace does not send: what it found is worth knowing, not an error.
    return findings.map((finding) => {
        const result = results.find((candidate) => candidate.name === finding.step);
        return result && result.notSent && finding.severity === 'error'
            ? { ...finding, severity: 'info', hint: t('check.notCounted', { settings: list(result.notSent), hint: finding.hint }) }
            : finding;
    });
}
