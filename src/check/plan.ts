// The receiver check's steps, in order, and what each step's answer means. Pure.
import { EventType, EVENT_TYPES } from '../payloads/eventTypes';
import type { Probe } from '../delivery/probe';
import { Message, plural, t, Text } from '../i18n/text';

export type StepKind = 'event' | 'real-shape' | 'real-shape-signed' | 'no-token' | 'wrong-token' | 'wrong-signature' | 'stale-signature' | 'duplicate';

export interface Step {
    name: string;
    kind: StepKind;
    event: EventType;
    /** What the request carries instead of the saved secrets (the probes); the duplicate's webhook-id is set when the check runs. */
    probe?: Probe;
}

/**
 * 1. every event type's sample (or the ones asked for);
 * 2. LivechatSession exactly as Rocket.Chat's real deliveries send it: real-shaped (emails and phones
 *    as arrays, the visitor's token), with the secret token, never signed (Rocket.Chat does not sign);
 *    with signing on, the same payload signed too: the probes' baseline;
 * 3. with a token: that real-shaped payload without it, and with a wrong one (signed as usual);
 * 4. with signing: a wrong signature, and a right one 10 minutes old;
 * 5. the real delivery (else the first step) again, the same body and webhook-id: a retry's duplicate.
 * Each probe is judged against its baseline, the same payload sent correctly. The probes need the
 * secrets, which go only to the saved URL: for another URL they are left out.
 */
export function planSteps(options: { events?: Array<EventType>; tokenSet: boolean; signingOn: boolean; savedUrl: boolean }): Array<Step> {
    const events = options.events && options.events.length ? EVENT_TYPES.filter((event) => options.events!.includes(event)) : [...EVENT_TYPES];
    const steps: Array<Step> = events.map((event) => ({ name: event, kind: 'event', event }));
    const probing = options.savedUrl && (options.tokenSet || options.signingOn);
    if (events.includes('LivechatSession') || probing) {
        steps.push({ name: REAL_DELIVERY_STEP, kind: 'real-shape', event: 'LivechatSession', probe: { unsigned: true } });
    }
    if (options.savedUrl && options.signingOn) {
        steps.push({ name: "LivechatSession real-shaped and signed (the probes' baseline)", kind: 'real-shape-signed', event: 'LivechatSession' });
    }
    if (options.savedUrl && options.tokenSet) {
        steps.push({ name: 'without the secret token', kind: 'no-token', event: 'LivechatSession', probe: { token: 'omit' } });
        steps.push({ name: 'with a wrong secret token', kind: 'wrong-token', event: 'LivechatSession', probe: { token: 'wrong' } });
    }
    if (options.savedUrl && options.signingOn) {
        steps.push({ name: 'with a wrong signature', kind: 'wrong-signature', event: 'LivechatSession', probe: { signature: 'wrong' } });
        steps.push({ name: 'with a signature 10 minutes old', kind: 'stale-signature', event: 'LivechatSession', probe: { signature: 'stale' } });
    }
    const repeated = steps.find((step) => step.kind === 'real-shape') || steps[0];
    steps.push({ name: 'a duplicate (the same webhook-id again)', kind: 'duplicate', event: repeated.event });
    return steps;
}

export const REAL_DELIVERY_STEP = 'LivechatSession as Rocket.Chat really sends it (real-shaped, with the token, unsigned)';

/** Step names are the check's stable ids (kept in the history): each one's words for a reader. */
const STEP_LABELS: { [name: string]: Message } = {
    [REAL_DELIVERY_STEP]: t('step.realShape'),
    "LivechatSession real-shaped and signed (the probes' baseline)": t('step.realShapeSigned'),
    'without the secret token': t('step.noToken'),
    'with a wrong secret token': t('step.wrongToken'),
    'with a wrong signature': t('step.wrongSignature'),
    'with a signature 10 minutes old': t('step.staleSignature'),
    'a duplicate (the same webhook-id again)': t('step.duplicate'),
    'Workspace': t('step.workspace'),
};

/** What a reader sees for a step's name (an event's name stays as it is; "3 steps" is counted). */
export function stepLabel(name: string): Text {
    const counted = /^(\d+) steps$/.exec(name);
    return STEP_LABELS[name] || (counted ? plural('check.stepCount', Number(counted[1])) : name);
}

/** The payload a step sends is real-shaped: the real-delivery step, its signed twin and the probes. */
export function isRealShaped(kind: StepKind): boolean {
    return kind === 'real-shape' || kind === 'real-shape-signed' || isProbe(kind);
}

/** The step a probe is judged against: the same payload sent correctly. */
export function baselineKind(kind: StepKind, signingOn: boolean): StepKind | undefined {
    if (!isProbe(kind)) {
        return undefined;
    }
    return signingOn ? 'real-shape-signed' : 'real-shape';
}

export function isProbe(kind: StepKind): boolean {
    return kind === 'no-token' || kind === 'wrong-token' || kind === 'wrong-signature' || kind === 'stale-signature';
}

/** Events whose 200 answer Rocket.Chat saves as the conversation's crmData (all but the offline form, which has no room). */
export function savesCrmData(event: EventType): boolean {
    return event !== 'LivechatOfflineMessage';
}
