// The receiver check: every event, the receiver's own security (does it refuse a missing or wrong
// token, a wrong or replayed signature?) and speed, one step after another through the same path
// as a test, within one deadline. The history keeps one entry per check: each step's report, no bodies.
import { buildEventSample, buildRealShapeSample } from '../payloads/events';
import type { Call } from '../call/call';
import type { Stores } from '../gate/stores';
import { deliver } from '../delivery/send';
import type { NewCheck } from '../history/records';
import { resolveTarget } from '../delivery/target';
import { AppSettings, DeliverySettings } from '../settings/settings';
import { randomHex } from '../util/random';
import { Finding, findingsOf, judgeProbes, markNotSent, receiverErrors, StepResult, stepResult, workspaceFindings } from './findings';
import type { Readiness } from '../readiness/judge';
import { isRealShaped, planSteps } from './plan';
import type { EventType } from '../payloads/eventTypes';

/** A step is not started with less time than this left. */
const MIN_STEP_MS = 1000;

export interface CheckResult {
    id: string;
    ready: boolean;
    steps: Array<StepResult>;
    problems: Array<Finding>;
    durationMs: number;
    /** The URL checked (redacted), and whether it is the saved one (only then do the probes run). */
    url?: string;
    saved: boolean;
}

export interface CheckRequest {
    settings: AppSettings;
    ready: DeliverySettings;
    requestedUrl?: string;
    events?: Array<EventType>;
    by: string;
    /** Told the number of steps before the first one runs (the slash command says "Checking N steps…"). */
    onPlanned?: (steps: number) => Promise<void>;
    /** The check's id, when the caller names it before the check ends. */
    id?: string;
    /** What the workspace's real deliveries send: steps of events it does not send count for nothing. */
    readiness?: Readiness;
}

/** How many requests the check would send (each counts against the user's rate limit). */
export async function stepCount(call: Call, request: Pick<CheckRequest, 'settings' | 'ready' | 'requestedUrl' | 'events'>): Promise<number> {
    return (await planCheck(call, request)).plan.length;
}

/** The steps one after another, within the check's deadline (`stores.budgets.checkMs`). */
export async function runCheck(
    stores: Stores,
    call: Call,
    { settings, ready, requestedUrl, events, by, onPlanned, id = `chk_${randomHex(6)}`, readiness }: CheckRequest,
): Promise<CheckResult> {
    const started = Date.now();
    const deadlineMs = stores.budgets.checkMs;
    const { plan, target } = await planCheck(call, { settings, ready, requestedUrl, events });
    if (onPlanned) {
        await onPlanned(plan.length);
    }
    const results: Array<StepResult> = [];
    let first: { body: string; webhookId: string } | undefined;
    let real: { body: string; webhookId: string } | undefined;
    let url: string | undefined;
    for (const step of plan) {
        const left = deadlineMs - (Date.now() - started);
        if (left < MIN_STEP_MS) {
            results.push({ name: step.name, kind: step.kind, event: step.event, verdict: 'skipped' });
            continue;
        }
        const now = new Date();
        // The duplicate repeats what a retry would: the real delivery (else the first step), same body, same webhook-id.
        const original = real || first;
        const body =
            step.kind === 'duplicate' && original
                ? original.body
                : JSON.stringify(isRealShaped(step.kind) ? buildRealShapeSample(now) : buildEventSample(step.event, now));
        const probe = step.kind === 'duplicate' && original ? { webhookId: original.webhookId } : step.probe;
        const stepReady = { ...ready, timeoutMs: Math.min(ready.timeoutMs, left) };
        const delivered = await deliver(stores, call, {
            settings,
            ready: stepReady,
            payload: { event: step.event, body, source: { kind: 'check' } },
            requestedUrl,
            by,
            probe,
        });
        const delivery = delivered.outcome.delivery;
        if (!delivery) {
            break;
        }
        url = url || delivery.url;
        first = first || { body, webhookId: delivery.webhookId };
        if (step.kind === 'real-shape') {
            real = { body, webhookId: delivery.webhookId };
        }
        results.push(stepResult(step, delivery, delivered.bodyBytes || 0));
        if (delivery.verdict === 'not-sent' || delivery.verdict === 'refused' || delivery.errorKind === 'invalid-url') {
            // Nothing can reach this URL: the other steps would say the same.
            break;
        }
    }
    const judged = markNotSent(judgeProbes(results, !!ready.signingKey && !!target && target.saved), readiness);
    const problems = [...workspaceFindings(readiness), ...findingsOf(judged, ready.timeoutMs)];
    return {
        id,
        // The workspace's findings come first but do not make the receiver unready.
        ready: judged.length > 0 && receiverErrors(problems) === 0,
        steps: judged,
        problems,
        durationMs: Date.now() - started,
        ...(url && { url }),
        saved: !!target && target.saved,
    };
}

async function planCheck(call: Call, { settings, ready, requestedUrl, events }: Pick<CheckRequest, 'settings' | 'ready' | 'requestedUrl' | 'events'>) {
    const target = await resolveTarget(settings.webhookUrl, call.read.getEnvironmentReader().getServerSettings(), requestedUrl);
    return { target, plan: planSteps({ events, tokenSet: !!settings.secretToken, signingOn: !!ready.signingKey, savedUrl: !!target && target.saved }) };
}

/** The history's entry for a check: its facts, and each step's report without bodies. */
export function checkEntry(result: CheckResult, by: string, firstEvent: EventType): NewCheck {
    const steps = result.steps.map((step) => ({ ...step, ...(step.report && { report: { ...step.report } }) }));
    return {
        kind: 'check',
        id: result.id,
        by,
        sentAt: new Date(Date.now() - result.durationMs).toISOString(),
        durationMs: result.durationMs,
        ...(result.url && { url: result.url }),
        event: firstEvent,
        summary: { ready: result.ready, steps, problems: result.problems },
    };
}
