import { ISettingRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppSettings, readAppSettings } from './settings';

/** A safety expiry: the engine tells every instance of a change (onSettingUpdated), so this only bounds a missed one. */
export const SETTINGS_CACHE_TTL_MS = 15 * 1000;

/**
 * The app's settings, read once and kept until the engine reports a change (each read of a setting
 * is a round trip to the host: seven per test otherwise).
 */
export class SettingsCache {
    private cached?: { settings: AppSettings; readAt: number };
    private generation = 0;

    constructor(
        private readonly now: () => number = Date.now,
        private readonly ttlMs: number = SETTINGS_CACHE_TTL_MS,
    ) {}

    public async get(reader: ISettingRead): Promise<AppSettings> {
        if (this.cached && this.now() - this.cached.readAt < this.ttlMs) {
            return this.cached.settings;
        }
        const generation = this.generation;
        const settings = await readAppSettings(reader);
        // A read that raced with a change may hold the old value: use it once, do not keep it.
        if (generation === this.generation) {
            this.cached = { settings, readAt: this.now() };
        }
        return settings;
    }

    /** Called from the app's onSettingUpdated. */
    public invalidate(): void {
        this.generation++;
        this.cached = undefined;
    }
}
