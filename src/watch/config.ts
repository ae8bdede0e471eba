// The health watch's settings, checked. Pure.
import { EventType, parseEventType } from '../payloads/eventTypes';
import { AppSettings, MAX_WATCH_FAILURES_TO_ALERT, MAX_WATCH_INTERVAL_MINUTES, SettingId } from '../settings/settings';

export interface WatchConfig {
    /** 0: off. */
    intervalMinutes: number;
    event: EventType;
    failuresToAlert: number;
    /** A room name or id; empty: no messages. */
    alertRoom: string;
}

export type WatchConfigCheck = { ok: true; config: WatchConfig } | { ok: false; reason: string };

export function parseWatchConfig(settings: AppSettings): WatchConfigCheck {
    const interval = wholeNumber(settings.watch.intervalMinutes, 0, MAX_WATCH_INTERVAL_MINUTES);
    if (interval === undefined) {
        return {
            ok: false,
            reason: `The ${SettingId.WatchIntervalMinutes} setting must be a whole number of minutes from 1 to ${MAX_WATCH_INTERVAL_MINUTES}, or 0 (off).`,
        };
    }
    const event = parseEventType(settings.watch.event);
    if (!event.ok) {
        return { ok: false, reason: `The ${SettingId.WatchEvent} setting is not an event type: ${event.reason.replace(/^Unknown event "[^"]*"; /, '')}.` };
    }
    const failures = wholeNumber(settings.watch.failuresToAlert, 1, MAX_WATCH_FAILURES_TO_ALERT);
    if (failures === undefined) {
        return { ok: false, reason: `The ${SettingId.WatchFailuresToAlert} setting must be a whole number from 1 to ${MAX_WATCH_FAILURES_TO_ALERT}.` };
    }
    return { ok: true, config: { intervalMinutes: interval, event: event.event, failuresToAlert: failures, alertRoom: settings.watch.alertRoom } };
}

/** Only the interval, for scheduling: an unusable value schedules nothing. */
export function intervalOf(value: unknown): number {
    return wholeNumber(value, 0, MAX_WATCH_INTERVAL_MINUTES) || 0;
}

function wholeNumber(value: unknown, min: number, max: number): number | undefined {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof parsed === 'number' && Number.isInteger(parsed) && parsed >= min && parsed <= max ? parsed : undefined;
}
