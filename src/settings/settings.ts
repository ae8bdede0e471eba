import { ISetting, SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { ISettingRead } from '@rocket.chat/apps-engine/definition/accessors';

export enum SettingId {
    WebhookUrl = 'webhook_url',
    SecretToken = 'webhook_secret_token',
    TimeoutMs = 'webhook_timeout_ms',
    PermissionFallbackRoles = 'permission_fallback_roles',
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const MAX_TIMEOUT_MS = 120000;
export const DEFAULT_FALLBACK_ROLES = 'admin,livechat-manager';

export const SETTINGS: Array<ISetting> = [
    {
        id: SettingId.WebhookUrl,
        type: SettingType.STRING,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'webhook_url_label',
        i18nDescription: 'webhook_url_description',
    },
    {
        id: SettingId.SecretToken,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'webhook_secret_token_label',
        i18nDescription: 'webhook_secret_token_description',
    },
    {
        id: SettingId.TimeoutMs,
        type: SettingType.NUMBER,
        packageValue: DEFAULT_TIMEOUT_MS,
        required: true,
        public: false,
        i18nLabel: 'webhook_timeout_ms_label',
        i18nDescription: 'webhook_timeout_ms_description',
    },
    {
        id: SettingId.PermissionFallbackRoles,
        type: SettingType.STRING,
        packageValue: DEFAULT_FALLBACK_ROLES,
        required: false,
        public: false,
        i18nLabel: 'permission_fallback_roles_label',
        i18nDescription: 'permission_fallback_roles_description',
    },
];

/** The app settings as stored, lightly normalised; validation happens where they are used. */
export interface AppSettings {
    webhookUrl: string;
    secretToken: string;
    timeoutMs: unknown;
    fallbackRoles: Array<string>;
}

export async function readAppSettings(reader: ISettingRead): Promise<AppSettings> {
    const [webhookUrl, secretToken, timeoutMs, fallbackRoles] = await Promise.all([
        reader.getValueById(SettingId.WebhookUrl),
        reader.getValueById(SettingId.SecretToken),
        reader.getValueById(SettingId.TimeoutMs),
        reader.getValueById(SettingId.PermissionFallbackRoles),
    ]);
    return {
        webhookUrl: typeof webhookUrl === 'string' ? webhookUrl.trim() : '',
        secretToken: typeof secretToken === 'string' ? secretToken : '',
        timeoutMs,
        fallbackRoles: parseRoleList(typeof fallbackRoles === 'string' ? fallbackRoles : ''),
    };
}

/** "admin, livechat-manager," → ['admin', 'livechat-manager'] */
export function parseRoleList(value: string): Array<string> {
    return value
        .split(',')
        .map((role) => role.trim())
        .filter((role) => role.length > 0);
}

export type DeliverySettingsCheck = { ok: true; timeoutMs: number } | { ok: false; reason: string };

/** Whether the stored settings can drive a delivery; the reason names the setting to fix. */
export function checkDeliverySettings(settings: AppSettings): DeliverySettingsCheck {
    const timeoutMs = parseTimeoutMs(settings.timeoutMs);
    if (timeoutMs === undefined) {
        return { ok: false, reason: `The ${SettingId.TimeoutMs} setting must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.` };
    }
    if (/[\u0000-\u001f\u007f]/.test(settings.secretToken)) {
        return { ok: false, reason: `The ${SettingId.SecretToken} setting contains control characters (a pasted line break?); it cannot be sent as a header.` };
    }
    return { ok: true, timeoutMs };
}

/** A whole number of milliseconds in 1..MAX_TIMEOUT_MS, or undefined when the stored value is not one. */
export function parseTimeoutMs(value: unknown): number | undefined {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 1 || parsed > MAX_TIMEOUT_MS) {
        return undefined;
    }
    return parsed;
}
