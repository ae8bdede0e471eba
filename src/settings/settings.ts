import { Buffer } from 'buffer';

import { ISettingRead } from '@rocket.chat/apps-engine/definition/accessors';

import { parseRulesSetting, RulesSetting } from '../delivery/rules';
import { parseSigningSecret } from '../delivery/signature';
import { AllowedHost, parseAllowedHosts } from '../network/urlPolicy';
import { MAX_TESTS_PER_MINUTE, MAX_TIMEOUT_MS, SettingId } from './definitions';
import { t, Text } from '../i18n/text';

export * from './definitions';

/** The app settings as stored, lightly normalised; validation happens where they are used. */
export interface AppSettings {
    webhookUrl: string;
    secretToken: string;
    timeoutMs: unknown;
    fallbackRoles: Array<string>;
    signingSecret: string;
    allowedPrivateHosts: string;
    testsPerMinute: unknown;
    /** The health watch's settings, checked where they are used (src/watch/config.ts). */
    watch: { intervalMinutes: unknown; event: unknown; failuresToAlert: unknown; alertRoom: string };
    /** Which delivery rules the verdicts follow: auto (from the server's version), current or legacy. */
    deliveryRules: RulesSetting;
    /** A personal access token that reads the permission table for calls without credentials; absent unless both halves are usable. */
    permissionReader?: { userId: string; authToken: string };
    /** Why the permission reader's settings, when set, cannot be used (never their values). */
    readerProblem?: Text;
}

export async function readAppSettings(reader: ISettingRead): Promise<AppSettings> {
    const [webhookUrl, secretToken, timeoutMs, fallbackRoles, signingSecret, allowedPrivateHosts, testsPerMinute, readerId, readerToken, ...watch] =
        await Promise.all([
            reader.getValueById(SettingId.WebhookUrl),
            reader.getValueById(SettingId.SecretToken),
            reader.getValueById(SettingId.TimeoutMs),
            reader.getValueById(SettingId.PermissionFallbackRoles),
            reader.getValueById(SettingId.SigningSecret),
            reader.getValueById(SettingId.AllowedPrivateHosts),
            reader.getValueById(SettingId.TestsPerMinute),
            reader.getValueById(SettingId.PermissionReaderUserId),
            reader.getValueById(SettingId.PermissionReaderToken),
            reader.getValueById(SettingId.WatchIntervalMinutes),
            reader.getValueById(SettingId.WatchEvent),
            reader.getValueById(SettingId.WatchFailuresToAlert),
            reader.getValueById(SettingId.WatchAlertRoom),
            reader.getValueById(SettingId.DeliveryRules),
        ]);
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const permissionReader = readerCredentials(text(readerId).trim(), text(readerToken).trim());
    const readerProblem = permissionReader ? undefined : readerProblemOf(text(readerId).trim(), text(readerToken).trim());
    return {
        webhookUrl: text(webhookUrl).trim(),
        secretToken: text(secretToken),
        timeoutMs,
        fallbackRoles: parseRoleList(text(fallbackRoles)),
        signingSecret: text(signingSecret),
        allowedPrivateHosts: text(allowedPrivateHosts),
        testsPerMinute,
        watch: { intervalMinutes: watch[0], event: watch[1], failuresToAlert: watch[2], alertRoom: text(watch[3]).trim() },
        deliveryRules: parseRulesSetting(watch[4]),
        ...(permissionReader && { permissionReader }),
        ...(readerProblem && { readerProblem }),
    };
}

/** Both halves, each something an HTTP header carries unchanged; else none (a half-set reader reads nothing). */
function readerCredentials(userId: string, authToken: string): AppSettings['permissionReader'] {
    return HEADER_SAFE_TOKEN.test(userId) && HEADER_SAFE_TOKEN.test(authToken) ? { userId, authToken } : undefined;
}

function readerProblemOf(userId: string, authToken: string): Text | undefined {
    if (!userId && !authToken) {
        return undefined;
    }
    if (!userId || !authToken) {
        return t('settings.readerHalfSet', { userId: SettingId.PermissionReaderUserId, token: SettingId.PermissionReaderToken });
    }
    const bad = !HEADER_SAFE_TOKEN.test(userId) ? SettingId.PermissionReaderUserId : SettingId.PermissionReaderToken;
    return t('settings.readerNotHeaderSafe', { setting: bad });
}

/** "admin, livechat-manager," → ['admin', 'livechat-manager'] */
export function parseRoleList(value: string): Array<string> {
    return value
        .split(',')
        .map((role) => role.trim())
        .filter((role) => role.length > 0);
}

/** The shortest secret token or signing key accepted. */
export const MIN_SECRET_LENGTH = 8;

/** Visible ASCII, spaces inside only: what an HTTP header carries unchanged (Node and Deno refuse the rest, or trim it). */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export interface DeliverySettings {
    timeoutMs: number;
    /** Absent when no signing secret is set. */
    signingKey?: Buffer;
    allowedHosts: Array<AllowedHost>;
}

export type DeliverySettingsCheck = ({ ok: true } & DeliverySettings) | { ok: false; reason: Text };

/** Whether the stored settings can drive a delivery; the reason names the setting to fix (never its value). */
export function checkDeliverySettings(settings: AppSettings): DeliverySettingsCheck {
    const timeoutMs = parseTimeoutMs(settings.timeoutMs);
    if (timeoutMs === undefined) {
        return { ok: false, reason: t('settings.timeout', { setting: SettingId.TimeoutMs, max: MAX_TIMEOUT_MS }) };
    }
    if (settings.secretToken && !HEADER_SAFE_TOKEN.test(settings.secretToken)) {
        return {
            ok: false,
            reason:
                `The ${SettingId.SecretToken} setting cannot be sent as an HTTP header: use visible ASCII only (letters, digits, punctuation; spaces only between them). ` +
                'Line breaks, control characters, letters such as é or € and spaces at either end are not allowed (a pasted line break?).',
        };
    }
    if (settings.secretToken && settings.secretToken.length < MIN_SECRET_LENGTH) {
        // A short token can be guessed, and masking it where a receiver echoes it would show what it is.
        return { ok: false, reason: t('settings.tokenShort', { setting: SettingId.SecretToken, min: MIN_SECRET_LENGTH }) };
    }
    let signingKey: Buffer | undefined;
    if (settings.signingSecret) {
        if (settings.signingSecret !== settings.signingSecret.trim()) {
            return {
                ok: false,
                reason: t('settings.signingSpaces', { setting: SettingId.SigningSecret }),
            };
        }
        const parsed = parseSigningSecret(settings.signingSecret);
        if (!parsed.ok) {
            return { ok: false, reason: t('settings.signingUnusable', { setting: SettingId.SigningSecret, why: parsed.reason }) };
        }
        if (parsed.key.length < MIN_SECRET_LENGTH) {
            return {
                ok: false,
                reason: t('settings.signingShort', { setting: SettingId.SigningSecret, min: MIN_SECRET_LENGTH }),
            };
        }
        signingKey = parsed.key;
    }
    const allowed = parseAllowedHosts(settings.allowedPrivateHosts);
    if (!allowed.ok) {
        return {
            ok: false,
            reason: t('settings.privateHosts', { setting: SettingId.AllowedPrivateHosts, entry: allowed.entry }),
        };
    }
    return { ok: true, timeoutMs, signingKey, allowedHosts: allowed.hosts };
}

/** 0 turns the limit off; otherwise a whole number of tests per user per minute. */
export function parseTestsPerMinute(value: unknown): number | undefined {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 0 || parsed > MAX_TESTS_PER_MINUTE) {
        return undefined;
    }
    return parsed;
}

/** A whole number of milliseconds in 1..MAX_TIMEOUT_MS, or undefined when the stored value is not one. */
export function parseTimeoutMs(value: unknown): number | undefined {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 1 || parsed > MAX_TIMEOUT_MS) {
        return undefined;
    }
    return parsed;
}

/** Rocket.Chat's Livechat_http_timeout as a whole number of milliseconds (1 to 10 minutes), else undefined. */
export function parseHttpTimeout(value: unknown): number | undefined {
    const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isInteger(ms) && ms >= 1 && ms <= 10 * 60 * 1000 ? ms : undefined;
}
