// The health watch's settings, checked. Pure.
import { EVENT_TYPES, EventType, parseEventType } from '../payloads/eventTypes';
import { AppSettings, MAX_WATCH_FAILURES_TO_ALERT, MAX_WATCH_INTERVAL_MINUTES, SettingId } from '../settings/settings';
import { t, Text } from '../i18n/text';

export interface WatchConfig {
    /** 0: off. */
    intervalMinutes: number;
    event: EventType;
    failuresToAlert: number;
    /** A room name or id; empty: no messages. */
    alertRoom: string;
}

export type WatchConfigCheck = { ok: true; config: WatchConfig } | { ok: false; reason: Text };

export function parseWatchConfig(settings: AppSettings): WatchConfigCheck {
    const interval = wholeNumber(settings.watch.intervalMinutes, 0, MAX_WATCH_INTERVAL_MINUTES);
    if (interval === undefined) {
        return {
            ok: false,
            reason: t('settings.watchInterval', { setting: SettingId.WatchIntervalMinutes, max: MAX_WATCH_INTERVAL_MINUTES }),
        };
    }
    const event = parseEventType(settings.watch.event);
    if (!event.ok) {
        return { ok: false, reason: t('settings.watchEvent', { setting: SettingId.WatchEvent, events: EVENT_TYPES.join(', ') }) };
    }
    const failures = wholeNumber(settings.watch.failuresToAlert, 1, MAX_WATCH_FAILURES_TO_ALERT);
    if (failures === undefined) {
        return { ok: false, reason: t('settings.watchFailures', { setting: SettingId.WatchFailuresToAlert, max: MAX_WATCH_FAILURES_TO_ALERT }) };
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
