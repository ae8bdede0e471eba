// The receiver check's steps, in order, and what each step's answer means. Pure.
import { EventType, EVENT_TYPES } from '../payloads/eventTypes';
import type { Probe } from '../runner/send';

export type StepKind = 'event' | 'real-shape' | 'no-token' | 'wrong-token' | 'wrong-signature' | 'stale-signature' | 'duplicate';

export interface Step {
    name: string;
    kind: StepKind;
    event: EventType;
    /** What the request carries instead of the saved secrets (the probes); the duplicate's webhook-id is set when the check runs. */
    probe?: Probe;
}

/**
 * 1. every event type (or the ones asked for), and LivechatSession once more as real deliveries shape it;
 * 2. with a token: LivechatSession without it, and with a wrong one;
 * 3. with signing: a wrong signature, and a right one 10 minutes old;
 * 4. the first LivechatSession again with the same webhook-id (a retry's duplicate).
 * The probes need the secrets, which go only to the saved URL: for another URL they are left out.
 */
export function planSteps(options: { events?: Array<EventType>; tokenSet: boolean; signingOn: boolean; savedUrl: boolean }): Array<Step> {
    const events = options.events && options.events.length ? EVENT_TYPES.filter((event) => options.events!.includes(event)) : [...EVENT_TYPES];
    const steps: Array<Step> = events.map((event) => ({ name: event, kind: 'event', event }));
    if (events.includes('LivechatSession')) {
        steps.push({ name: 'LivechatSession as real deliveries shape it', kind: 'real-shape', event: 'LivechatSession' });
    }
    if (options.savedUrl && options.tokenSet) {
        steps.push({ name: 'without the secret token', kind: 'no-token', event: 'LivechatSession', probe: { token: 'omit' } });
        steps.push({ name: 'with a wrong secret token', kind: 'wrong-token', event: 'LivechatSession', probe: { token: 'wrong' } });
    }
    if (options.savedUrl && options.signingOn) {
        steps.push({ name: 'with a wrong signature', kind: 'wrong-signature', event: 'LivechatSession', probe: { signature: 'wrong' } });
        steps.push({ name: 'with a signature 10 minutes old', kind: 'stale-signature', event: 'LivechatSession', probe: { signature: 'stale' } });
    }
    steps.push({ name: 'a duplicate (the same webhook-id again)', kind: 'duplicate', event: steps[0].event });
    return steps;
}

export function isProbe(kind: StepKind): boolean {
    return kind === 'no-token' || kind === 'wrong-token' || kind === 'wrong-signature' || kind === 'stale-signature';
}

/** Events whose 200 answer Rocket.Chat saves as the conversation's crmData (all but the offline form, which has no room). */
export function savesCrmData(event: EventType): boolean {
    return event !== 'LivechatOfflineMessage';
}
