// Whose language a surface speaks: the reader's preference (Rocket.Chat hands it to apps as
// settings.preferences.language when set), else the workspace's Language setting, else English.
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { settledBy } from '../util/settledBy';
import { Lang } from './text';

/** How long a surface waits for the workspace's Language setting before it speaks English. */
export const LANGUAGE_READ_MS = 1000;

/** Rocket.Chat's language codes ('pt-BR', 'pt', 'es', 'es-MX', 'de', 'de-IN' (informal), 'en-US'…) to ours; others: none. */
export function languageOf(code: unknown): Lang | undefined {
    if (typeof code !== 'string') {
        return undefined;
    }
    const base = code.trim().toLowerCase().split(/[-_]/)[0];
    switch (base) {
        case 'pt':
            return 'pt-BR';
        case 'es':
            return 'es';
        case 'de':
            return 'de';
        case 'en':
            return 'en';
        default:
            return undefined;
    }
}

export function preferredLanguage(user: IUser | undefined): string | undefined {
    const settings = user && (user as { settings?: { preferences?: { language?: unknown } } }).settings;
    const language = settings && settings.preferences && settings.preferences.language;
    return typeof language === 'string' && language.trim() !== '' ? language : undefined;
}

/** The workspace's Language setting, as ours; English when unset, unknown or unreadable in time. */
export async function workspaceLanguage(read: IRead): Promise<Lang> {
    try {
        const value = await settledBy(read.getEnvironmentReader().getServerSettings().getValueById('Language'), Date.now() + LANGUAGE_READ_MS);
        return languageOf(value) || 'en';
    } catch {
        return 'en';
    }
}

/** The reader's language: a preference we speak wins; else the workspace's (one settings read). */
export async function readerLanguage(read: IRead, user: IUser | undefined): Promise<Lang> {
    return languageOf(preferredLanguage(user)) || workspaceLanguage(read);
}
