// Figures over the journal's events: per event type how many happened, how many Rocket.Chat sent,
// and why the others were not; the lines the panel, the slash command and readiness say. Pure.
import { EVENT_TYPES, EventType } from '../payloads/eventTypes';
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

/** What happened, per event type ("37 conversations closed"). */
export function happened(event: EventType, count: number): Text {
    return plural(`traffic.happened.${event}`, count);
}

/** "37 conversations closed, all sent; 12 taken, none sent: Livechat_webhook_on_chat_taken is off", in EVENT_TYPES order. */
export function summaryOf(counts: Counts): Text {
    const parts = EVENT_TYPES.filter((event) => counts[event]).map((event) => {
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
