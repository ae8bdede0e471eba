// Who may use the app, with which settings, and how often: what the gate checks before any work.
import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { AppSettings, checkDeliverySettings, DeliverySettings, parseTestsPerMinute, SettingId } from '../settings/settings';
import type { AllowedCall, Call } from '../call/call';
import { Answer, failure } from './answers';
import type { Stores } from './stores';
import { t } from '../i18n/text';

export type Admission = { ok: true; call: AllowedCall } | { ok: false; answer: Answer };

/** 401 without a user; else the workspace's permission table decides (403, or 503 when it cannot be read). */
export async function authorize(stores: Stores, call: Call): Promise<Admission> {
    const { user, credentials, read, http, persis, log } = call;
    if (!user) {
        return { ok: false, answer: failure(401, 'error-unauthenticated', t('access.loggedOut')) };
    }
    const settings = await stores.settings.get(read.getEnvironmentReader().getSettings());
    const decision = await stores.permissions.check(user, {
        read,
        http,
        persis,
        log,
        credentials,
        reader: settings.permissionReader,
        readerProblem: settings.readerProblem,
        fallbackRoles: settings.fallbackRoles,
    });
    if (decision.kind === 'unavailable') {
        const answer = failure(503, 'error-permission-check-unavailable', decision.reason);
        return { ok: false, answer: decision.retryAfterSeconds === undefined ? answer : { ...answer, retryAfterSeconds: decision.retryAfterSeconds } };
    }
    if (!decision.allowed) {
        const roles = decision.allowedRoles.length ? decision.allowedRoles.join(', ') : t('access.noRoles');
        return { ok: false, answer: failure(403, 'error-unauthorized', t('access.needPermission', { permission: WEBHOOK_PERMISSION, roles })) };
    }
    return { ok: true, call: { ...call, user, settings, viewer: { user, grants: decision.grants } } };
}

/** A 429 when the user ran tests_per_minute requests in the last minute (an unusable limit counts as none). `cost`: the requests the work sends. */
export function rateLimit(stores: Stores, { user, settings }: AllowedCall, cost: number): Answer | undefined {
    const limit = parseTestsPerMinute(settings.testsPerMinute);
    if (limit === undefined || cost <= 0) {
        return undefined;
    }
    const decision = stores.limiter.take(user.id, limit, cost);
    if (decision.allowed) {
        return undefined;
    }
    return {
        ...failure(
            429,
            'error-too-many-requests',
            t(cost > 1 ? 'access.checkRateLimited' : 'access.rateLimited', {
                cost,
                counts: Math.min(cost, limit),
                limit,
                setting: SettingId.TestsPerMinute,
                seconds: decision.retryAfterSeconds,
            }),
        ),
        retryAfterSeconds: decision.retryAfterSeconds,
    };
}

/** Checked once per read of the settings: the cache hands out the same object until a change. */
const checked = new WeakMap<AppSettings, DeliverySettings | Answer>();

/** The settings a delivery needs, or a 400 naming the one to fix. */
export function usableSettings(settings: AppSettings): DeliverySettings | Answer {
    let result = checked.get(settings);
    if (!result) {
        result = checkSettings(settings);
        checked.set(settings, result);
    }
    return result;
}

function checkSettings(settings: AppSettings): DeliverySettings | Answer {
    const usable = checkDeliverySettings(settings);
    if (!usable.ok) {
        return failure(400, 'error-invalid-setting', usable.reason);
    }
    if (parseTestsPerMinute(settings.testsPerMinute) === undefined) {
        return failure(400, 'error-invalid-setting', t('settings.testsPerMinute', { setting: SettingId.TestsPerMinute }));
    }
    return usable;
}
