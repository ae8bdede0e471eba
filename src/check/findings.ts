// What the receiver check makes of each step's answer: the step's verdict (a probe judged against
// its baseline, the same payload sent correctly), the crmData Rocket.Chat would store, and the
// findings (error / warning / info) with a hint each. Pure.
import type { DeliveryReport } from '../delivery/report';
import { dedupAdvice, sampleOnlyHint, tookNoData } from './hints';
import { baselineKind, isProbe, savesCrmData, Step } from './plan';
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
    /** The workspace does not send this event: the settings that keep it off. Its findings count for nothing. */
    notSent?: Array<string>;
}

export interface Finding {
    severity: 'error' | 'warning' | 'info';
    step: string;
    hint: string;
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
                    : status >= 500
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
    let warning: string | undefined;
    // HTML only when it is HTML: Flask and Django label plain strings text/html.
    if (/^\s*<(!doctype|html)\b/i.test(text)) {
        warning = "the 200 carries an HTML page: Rocket.Chat saves it as the conversation's crmData";
    } else if (tookNoData(text)) {
        warning = `the 200 says "${firstLine(text)}": Rocket.Chat counts it as delivered and saves that text as the conversation's crmData, but the receiver seems not to have taken the data`;
    }
    return { preview, bytes, ...(warning && { warning }) };
}

/** The first line of a receiver's answer, short enough to quote. */
export function firstLine(text: string): string {
    const line = (text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') || '').trim();
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

const TOKEN_PROBLEMS: { [kind: string]: string } = {
    'no-token':
        'accepts deliveries without the token: anyone who learns the URL can write into the CRM. Refuse a request without X-RocketChat-Livechat-Token (401).',
    'wrong-token': 'accepts deliveries with a wrong token: check X-RocketChat-Livechat-Token against the secret and answer 401 when it differs.',
};

const SIGNATURE_PROBLEMS: { [kind: string]: string } = {
    'wrong-signature': 'accepts a wrong signature: it does not verify webhook-signature',
    'stale-signature': 'accepts a signature 10 minutes old: it does not refuse old timestamps, so a replayed request gets in',
};

export function findingsOf(results: Array<StepResult>, timeoutMs: number): Array<Finding> {
    const findings: Array<Finding> = [];
    const add = (severity: Finding['severity'], step: string, hint: string) => findings.push({ severity, step, hint });
    const byKind = (kind: Step['kind']) => results.find((result) => result.kind === kind);
    // The token was accepted on some step: a 401 elsewhere is about the payload, not the token.
    // The same crmData warning on many steps is one finding naming them.
    const crmWarnings = new Map<string, Array<string>>();
    const tokenAccepted = results.some((result) => !isProbe(result.kind) && result.kind !== 'duplicate' && result.status === 200);
    for (const result of results) {
        const answer = firstLine((result.report && result.report.responseExcerpt) || '');
        if (result.verdict === 'skipped') {
            add('warning', result.name, "Not run: the check's deadline passed first.");
            continue;
        }
        if (isProbe(result.kind)) {
            const secret = result.kind.endsWith('token') ? 'token' : 'signature';
            if (result.verdict === 'inconclusive') {
                add(
                    'warning',
                    result.name,
                    `Inconclusive: the same payload sent correctly was not accepted either, so this says nothing about the receiver's ${secret} check. Fix that step first.`,
                );
            } else if (result.verdict === 'accepted' && secret === 'token') {
                add('error', result.name, `The receiver ${TOKEN_PROBLEMS[result.kind]}`);
            } else if (result.verdict === 'accepted') {
                add(
                    'warning',
                    result.name,
                    `The receiver ${SIGNATURE_PROBLEMS[result.kind]}. Rocket.Chat's real deliveries carry only the token, never a signature, so the token check is what protects it; verify signatures only if you rely on the app's signed tests.`,
                );
            } else if (result.verdict === 'refused-with-200') {
                add(
                    'warning',
                    result.name,
                    `The receiver refused it, but with a 200${answer ? ` ("${answer}")` : ''}: Rocket.Chat counts a 200 as delivered and saves that text as the conversation's crmData. Answer 401.`,
                );
            } else if (result.verdict === 'crashed') {
                add(
                    'error',
                    result.name,
                    `The receiver crashes (${result.status}) instead of refusing it: answer 401. Rocket.Chat retries a 5xx up to five times, so whoever sends a bad ${secret} makes it fail five times over.`,
                );
            } else if (result.verdict === 'no-answer') {
                add('warning', result.name, `No answer to tell whether the receiver refuses it: ${result.report ? result.report.hint : ''}`);
            } else if (result.status !== 401 && result.status !== 403) {
                add('info', result.name, `Refused with ${result.status}; 401 (or 403) says why.`);
            }
        } else if (result.kind === 'duplicate') {
            if (result.status === 200) {
                add('info', result.name, dedupAdvice(result.event));
            }
        } else if (result.verdict !== 'delivered') {
            const signed = byKind('real-shape-signed');
            const real = byKind('real-shape');
            if (result.kind === 'real-shape' && signed && signed.verdict === 'delivered') {
                add(
                    'error',
                    result.name,
                    `The receiver refused the delivery without a signature (${result.status ?? result.verdict}) but took it signed. Rocket.Chat's real deliveries are never signed (they carry only X-RocketChat-Livechat-Token): it would refuse every real event. Make the signature optional for it.`,
                );
            } else if (result.kind === 'event' && result.event === 'LivechatSession' && real && real.verdict === 'delivered') {
                add('warning', result.name, sampleOnlyHint(answer));
            } else if ((result.status === 401 || result.status === 403) && tokenAccepted) {
                add(
                    'error',
                    result.name,
                    `The receiver refused this payload (${result.status}) although it accepted the same token on other steps, so the token is not the problem${answer ? `: its answer says "${answer}"` : ''}.`,
                );
            } else {
                add('error', result.name, result.report ? result.report.hint : 'Not delivered.');
            }
        }
        if (result.crmData && result.crmData.warning) {
            crmWarnings.set(result.crmData.warning, [...(crmWarnings.get(result.crmData.warning) || []), result.name]);
        }
        if (result.durationMs !== undefined && result.durationMs > timeoutMs / 2) {
            add(
                'warning',
                result.name,
                `Took ${result.durationMs} ms, over half of the ${timeoutMs} ms timeout: answer 200 first and do the slow work afterwards.`,
            );
        }
    }
    for (const [warning, steps] of crmWarnings) {
        const where = steps.length > 1 ? ` (on ${steps.length} steps: ${steps.join(', ')})` : '';
        findings.push({
            severity: 'warning',
            step: steps.length > 1 ? `${steps.length} steps` : steps[0],
            hint: `${warning[0].toUpperCase()}${warning.slice(1)}${where}; answer 200 with a short JSON body (or none), and an error status when the data was not taken.`,
            ...(steps.length > 1 && { steps }),
        });
    }
    // A step of an event the workspace does not send: what it found is worth knowing, not an error.
    return findings.map((finding) => {
        const result = results.find((candidate) => candidate.name === finding.step);
        return result && result.notSent && finding.severity === 'error'
            ? { ...finding, severity: 'info', hint: `Not sent by this workspace (${result.notSent.join(' and ')} off), so not counted: ${finding.hint}` }
            : finding;
    });
}
