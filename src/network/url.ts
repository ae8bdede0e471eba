import { IServerSettingRead } from '@rocket.chat/apps-engine/definition/accessors';

export const WORKSPACE_WEBHOOK_URL_SETTING = 'Livechat_webhookUrl';

/** Where the tested URL came from: the app setting, the workspace setting, or the test request itself. */
export type UrlSource = 'app-setting' | 'workspace-setting' | 'request';

export interface WebhookTarget {
    url: string;
    source: UrlSource;
}

/** The app's own `webhook_url` wins; else the workspace's Omnichannel webhook URL; else none. */
export async function resolveWebhookTarget(appUrl: string, serverSettings: IServerSettingRead): Promise<WebhookTarget | undefined> {
    if (appUrl) {
        return { url: appUrl, source: 'app-setting' };
    }
    const workspaceUrl = await readWorkspaceWebhookUrl(serverSettings);
    return workspaceUrl ? { url: workspaceUrl, source: 'workspace-setting' } : undefined;
}

async function readWorkspaceWebhookUrl(serverSettings: IServerSettingRead): Promise<string> {
    try {
        const value = await serverSettings.getValueById(WORKSPACE_WEBHOOK_URL_SETTING);
        return typeof value === 'string' ? value.trim() : '';
    } catch {
        // Hosts may refuse apps this setting; the app setting is then the only source.
        return '';
    }
}

/**
 * For answers and logs: user-info and query may carry credentials, so neither is shown. A URL that
 * is not http(s) shows as its scheme only: `crmuser:Hunter2@crm.example.com` parses as the scheme
 * `crmuser:` followed by a path holding the password.
 */
export function redactUrl(raw: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        return '(invalid URL)';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return url.protocol;
    }
    const credentials = url.username || url.password ? '***@' : '';
    const query = url.search ? '?***' : '';
    return `${url.protocol}//${credentials}${url.host}${url.pathname}${query}`;
}

/**
 * Whether two webhook URLs are the same address once normalised as a URL parser does (scheme and
 * host case, default port, empty path); anything else, path and query included, must match.
 */
export function isSameUrl(a: string, b: string): boolean {
    try {
        return new URL(a.trim()).href === new URL(b.trim()).href;
    } catch {
        return false;
    }
}

/** "host:port" of a URL, for short displays; never the user-info, path or query. */
export function urlHost(url: string | undefined): string | undefined {
    if (!url) {
        return undefined;
    }
    try {
        return new URL(url).host;
    } catch {
        return undefined;
    }
}
