// Where a test goes, and whether the workspace's secrets go with it: the secret token and
// signatures made with the signing secret go only to the saved webhook URL (the app's setting, or
// the workspace's when the app's is empty). Any other URL a caller names is sent to without them.
import { IServerSettingRead } from '@rocket.chat/apps-engine/definition/accessors';

import { isSameUrl, resolveWebhookTarget, UrlSource } from '../network/url';
import { t } from '../i18n/text';

export interface Target {
    url: string;
    source: UrlSource;
    /** The saved webhook URL: the token and the signature may go there. */
    saved: boolean;
}

/**
 * `requested`: a URL the caller named (a test's `url`, or the URL a redelivered test went to); it
 * counts as saved only when it is the saved URL now. Undefined when there is no URL at all.
 */
export async function resolveTarget(appUrl: string, serverSettings: IServerSettingRead, requested?: string): Promise<Target | undefined> {
    const saved = await resolveWebhookTarget(appUrl, serverSettings);
    if (requested === undefined) {
        return saved && { ...saved, saved: true };
    }
    return { url: requested, source: 'request', saved: !!saved && isSameUrl(requested, saved.url) };
}

export const SECRETS_WITHHELD_HINT = t('send.secretsWithheld');
