// The app's settings, declared once as data (the engine shows them on the app's settings page).
import { ISetting, SettingType } from '@rocket.chat/apps-engine/definition/settings';

export enum SettingId {
    WebhookUrl = 'webhook_url',
    SecretToken = 'webhook_secret_token',
    TimeoutMs = 'webhook_timeout_ms',
    PermissionFallbackRoles = 'permission_fallback_roles',
    SigningSecret = 'webhook_signing_secret',
    AllowedPrivateHosts = 'allowed_private_hosts',
    TestsPerMinute = 'tests_per_minute',
    WatchIntervalMinutes = 'watch_interval_minutes',
    WatchEvent = 'watch_event',
    WatchFailuresToAlert = 'watch_failures_to_alert',
    WatchAlertRoom = 'watch_alert_room',
    DeliveryRules = 'delivery_rules',
    PermissionReaderUserId = 'permission_reader_user_id',
    PermissionReaderToken = 'permission_reader_token',
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const MAX_TIMEOUT_MS = 120000;
export const DEFAULT_FALLBACK_ROLES = 'admin,livechat-manager';
export const DEFAULT_TESTS_PER_MINUTE = 10;
export const MAX_TESTS_PER_MINUTE = 10000;
export const MAX_WATCH_INTERVAL_MINUTES = 1440;
export const DEFAULT_WATCH_FAILURES_TO_ALERT = 3;
export const MAX_WATCH_FAILURES_TO_ALERT = 1000;

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
    {
        id: SettingId.PermissionReaderUserId,
        type: SettingType.STRING,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'permission_reader_user_id_label',
        i18nDescription: 'permission_reader_user_id_description',
    },
    {
        id: SettingId.PermissionReaderToken,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'permission_reader_token_label',
        i18nDescription: 'permission_reader_token_description',
    },
    {
        id: SettingId.SigningSecret,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'webhook_signing_secret_label',
        i18nDescription: 'webhook_signing_secret_description',
    },
    {
        id: SettingId.AllowedPrivateHosts,
        type: SettingType.STRING,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'allowed_private_hosts_label',
        i18nDescription: 'allowed_private_hosts_description',
    },
    {
        id: SettingId.TestsPerMinute,
        type: SettingType.NUMBER,
        packageValue: DEFAULT_TESTS_PER_MINUTE,
        required: true,
        public: false,
        i18nLabel: 'tests_per_minute_label',
        i18nDescription: 'tests_per_minute_description',
    },
    {
        id: SettingId.WatchIntervalMinutes,
        type: SettingType.NUMBER,
        packageValue: 0,
        required: true,
        public: false,
        i18nLabel: 'watch_interval_minutes_label',
        i18nDescription: 'watch_interval_minutes_description',
    },
    {
        id: SettingId.WatchEvent,
        type: SettingType.STRING,
        packageValue: 'LivechatSession',
        required: false,
        public: false,
        i18nLabel: 'watch_event_label',
        i18nDescription: 'watch_event_description',
    },
    {
        id: SettingId.WatchFailuresToAlert,
        type: SettingType.NUMBER,
        packageValue: DEFAULT_WATCH_FAILURES_TO_ALERT,
        required: true,
        public: false,
        i18nLabel: 'watch_failures_to_alert_label',
        i18nDescription: 'watch_failures_to_alert_description',
    },
    {
        id: SettingId.WatchAlertRoom,
        type: SettingType.STRING,
        packageValue: '',
        required: false,
        public: false,
        i18nLabel: 'watch_alert_room_label',
        i18nDescription: 'watch_alert_room_description',
    },
    {
        id: SettingId.DeliveryRules,
        type: SettingType.SELECT,
        packageValue: 'auto',
        values: [
            { key: 'auto', i18nLabel: 'delivery_rules_auto' },
            { key: 'current', i18nLabel: 'delivery_rules_current' },
            { key: 'legacy', i18nLabel: 'delivery_rules_legacy' },
        ],
        required: true,
        public: false,
        i18nLabel: 'delivery_rules_label',
        i18nDescription: 'delivery_rules_description',
    },
];
