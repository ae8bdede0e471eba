// Who may run a test, with which settings, and how often: the checks every entry point makes
// before anything is sent.
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { PermissionGuard, WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { RoomViewer } from '../permissions/roomAccess';
import { AppSettings, checkDeliverySettings, DeliverySettings, parseTestsPerMinute, SettingId } from '../settings/settings';
import { SettingsCache } from '../settings/SettingsCache';
import { Answer, failure } from './answers';
import { Caller } from './caller';
import { RateLimiter } from './RateLimiter';
import { t } from '../i18n/text';

export interface Allowed {
    ok: true;
    user: IUser;
    settings: AppSettings;
    /** Who asks, with the table's room grants: whose conversations they may send. */
    viewer: RoomViewer;
}

export type Denied = { ok: false; answer: Answer };

export class Access {
    private readonly pinned = new WeakMap<Caller, Allowed>();

    constructor(
        private readonly guard: PermissionGuard,
        public readonly settings = new SettingsCache(),
        private readonly limiter = new RateLimiter(),
    ) {}

    /** 401 without a user; else the workspace's permission table decides (403, or 503 when it cannot be read). */
    /**
     * A copy of the caller that is already allowed: the calls of one interaction (the panel's four
     * reads) are authorized once. Only the runner makes these; a caller from outside never is one.
     */
    public pin(caller: Caller, allowed: Allowed): Caller {
        const pinned = { ...caller };
        this.pinned.set(pinned, allowed);
        return pinned;
    }

    public async authorize(caller: Caller): Promise<Allowed | Denied> {
        const pinned = this.pinned.get(caller);
        if (pinned) {
            return pinned;
        }
        const { user, credentials, read, http, persis } = caller;
        if (!user) {
            return { ok: false, answer: failure(401, 'error-unauthenticated', t('access.loggedOut')) };
        }
        const settings = await this.settings.get(read.getEnvironmentReader().getSettings());
        const decision = await this.guard.check(user, {
            read,
            http,
            persis,
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
        return { ok: true, user, settings, viewer: { user, grants: decision.grants } };
    }

    /** The settings a delivery needs, and the user's rate limit; an answer when either stops it. */
    public readyToSend(allowed: Allowed, cost = 1): DeliverySettings | Answer {
        const usable = usableSettings(allowed.settings);
        if (!('timeoutMs' in usable)) {
            return usable;
        }
        return this.rateLimit(allowed, cost) || usable;
    }

    /** A 429 when the user ran tests_per_minute tests in the last minute (an unusable limit counts as none). */
    public rateLimit({ user, settings }: Allowed, cost = 1): Answer | undefined {
        const limit = parseTestsPerMinute(settings.testsPerMinute);
        if (limit === undefined) {
            return undefined;
        }
        const decision = this.limiter.take(user.id, limit, cost);
        if (!decision.allowed) {
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
        return undefined;
    }
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
