// Figures over the journal's events: per event type how many happened, how many Rocket.Chat sent,
// and why the others were not; the lines the panel, the slash command and readiness say. Pure.
import type { EventType } from '../payloads/eventTypes';
import { cat, list, plural, t, Text } from '../i18n/text';
import type { TrafficEvent } from './journal';

export interface EventCounts {
    seen: number;
    sent: number;
    /** Not sent, by the setting that kept each from going out. */
    notSent: { [setting: string]: number };
    /** The server did not say in time whether it was sent. */
    unknown: number;
}

export type Counts = { [event in EventType]?: EventCounts };

/** The order a conversation's events come in, for lines a person reads. */
export const LIFECYCLE: ReadonlyArray<EventType> = [
    'LivechatSessionStart',
    'LivechatSessionQueued',
    'LivechatSessionTaken',
    'LivechatSessionForwarded',
    'Message',
    'LeadCapture',
    'LivechatSession',
    'LivechatEdit',
    'LivechatOfflineMessage',
];

export function countsOf(events: Array<TrafficEvent>): Counts {
    const counts: Counts = {};
    for (const event of events) {
        const entry = (counts[event.event] = counts[event.event] || { seen: 0, sent: 0, notSent: {}, unknown: 0 });
        entry.seen++;
        if (event.sent === true) {
            entry.sent++;
        } else if (event.sent === false) {
            entry.notSent[event.setting] = (entry.notSent[event.setting] || 0) + 1;
        } else {
            entry.unknown++;
        }
    }
    return counts;
}

const HAPPENED: { [event in EventType]: string } = {
    LivechatSessionStart: 'traffic.happened.LivechatSessionStart',
    LivechatSessionQueued: 'traffic.happened.LivechatSessionQueued',
    LivechatSessionTaken: 'traffic.happened.LivechatSessionTaken',
    LivechatSessionForwarded: 'traffic.happened.LivechatSessionForwarded',
    Message: 'traffic.happened.Message',
    LeadCapture: 'traffic.happened.LeadCapture',
    LivechatSession: 'traffic.happened.LivechatSession',
    LivechatEdit: 'traffic.happened.LivechatEdit',
    LivechatOfflineMessage: 'traffic.happened.LivechatOfflineMessage',
};

/** What happened, per event type ("37 conversations closed"). */
export function happened(event: EventType, count: number): Text {
    return plural(HAPPENED[event], count);
}

/** "12 taken, none sent: `Livechat_webhook_on_chat_taken` is off; 37 conversations closed, all sent", in LIFECYCLE order. */
export function summaryOf(counts: Counts): Text {
    const parts = LIFECYCLE.filter((event) => counts[event]).map((event) => {
        const { seen, sent, notSent } = counts[event]!;
        const off = Object.keys(notSent).sort((a, b) => notSent[b] - notSent[a]);
        const why = off.length ? plural('traffic.off', off.length, { settings: list(off.map((setting) => `\`${setting}\``)) }) : undefined;
        const outcome =
            sent === seen
                ? t('traffic.allSent')
                : sent === 0
                  ? cat([t('traffic.noneSent'), why && ': ', why])
                  : cat([plural('traffic.someSent', sent), why && ': ', why]);
        return cat([happened(event, seen), ', ', outcome]);
    });
    return parts.length ? cat(parts, '; ') : t('traffic.nothing');
}

/**
 * An event's switch that is off while its events happen: an error with the count ("12 taken in the
 * last 24 h; Rocket.Chat sent your CRM none of them: `Livechat_webhook_on_chat_taken` is off").
 */
export function offWhileHappening(counts: Counts): Array<{ severity: 'error'; hint: Text }> {
    return LIFECYCLE.filter((event) => counts[event]).flatMap((event) => {
        const { sent, notSent } = counts[event]!;
        return Object.entries(notSent)
            .filter(([setting]) => setting.startsWith('Livechat_webhook_on_'))
            .map(([setting, count]) => ({
                severity: 'error' as const,
                hint: t(sent === 0 ? 'readiness.offNoneSent' : 'readiness.offSomeNotSent', {
                    what: happened(event, count + sent),
                    count,
                    setting: `\`${setting}\``,
                }),
            }));
    });
}

/** One journaled event: "`evt_…` · time · event · ✅ sent" or "⛔ not sent: `the setting`". */
export function eventLine(event: TrafficEvent): Text {
    const outcome =
        event.sent === true
            ? cat(['✅ ', t('traffic.sent')])
            : event.sent === false
              ? cat(['⛔ ', t('traffic.notSent', { setting: `\`${event.setting || '-'}\`` })])
              : cat(['❔ ', t('traffic.unknown')]);
    return cat([`\`${event.id}\` · ${event.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} · ${event.event} · `, outcome]);
}
