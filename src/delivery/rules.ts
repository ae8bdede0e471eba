// Which delivery rules the workspace's Rocket.Chat follows, from its version. Pure.
//   legacy  (before PR #36793, "refactor: Livechat webhook retry & timeout logic"): every answer
//           but 200 is retried, 10 attempts in all, 4 × Livechat_http_timeout apart;
//   current (with it: 7.10.4 and later): 5xx, 429, network errors and timeouts are retried, 5
//           attempts in all, 4 × the timeout apart; every other status is dropped at once.
// (Before 6.4.3 / 6.5.0, PR #30687, only network errors were retried; this app needs 6.13 or later.)
import { t, Text } from '../i18n/text';

export type Rules = 'current' | 'legacy';
export type RulesSetting = 'auto' | 'current' | 'legacy';

export interface RulesChoice {
    rules: Rules;
    /** `version`: decided by the server's version; `setting`: by delivery_rules; `assumed`: the version was unknown or ambiguous. */
    basis: 'version' | 'setting' | 'assumed';
    /** The version read, as the server gave it (may lack the patch number). */
    version?: string;
    /** Why it was assumed, for the hint. */
    note?: Text;
}

/** How many attempts Rocket.Chat makes in all, under each rule set (4 × Livechat_http_timeout apart). */
export const RULES = {
    current: { attempts: 5 },
    legacy: { attempts: 10 },
} as const;

/** What became of one attempt, as far as the rules care. */
export type AttemptOutcome = { kind: 'response'; status: number } | { kind: 'timeout' | 'network-error' | 'too-many-redirects' | 'invalid-url' };

/** A receiver failing (not refusing): retried under every rule set. */
export function isReceiverFailure(status: number): boolean {
    return status >= 500;
}

/** Whether Rocket.Chat tries again after this attempt: current, on 5xx, 429 and anything but an answer; legacy, on anything but a 200. */
export function retriesAfter(rules: Rules, outcome: AttemptOutcome): boolean {
    if (outcome.kind !== 'response') {
        return true;
    }
    if (outcome.status === 200) {
        return false;
    }
    return rules === 'legacy' || isReceiverFailure(outcome.status) || outcome.status === 429;
}

export function chooseRules(setting: RulesSetting, version: string | undefined): RulesChoice {
    if (setting !== 'auto') {
        return { rules: setting, basis: 'setting', ...(version && { version }) };
    }
    if (!version) {
        return { rules: 'current', basis: 'assumed', note: t('rules.noVersion') };
    }
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
    if (!match) {
        return { rules: 'current', basis: 'assumed', version, note: t('rules.notVersion', { version: version.slice(0, 20) }) };
    }
    const [major, minor] = [Number(match[1]), Number(match[2])];
    const patch = match[3] === undefined ? undefined : Number(match[3]);
    if (major < 7 || (major === 7 && minor < 10)) {
        return { rules: 'legacy', basis: 'version', version };
    }
    if (major === 7 && minor === 10) {
        if (patch === undefined) {
            // Servers tell users without get-server-info only "7.10": 7.10.0 to 7.10.3 follow the legacy rules.
            return { rules: 'current', basis: 'assumed', version, note: t('rules.only710') };
        }
        return { rules: patch >= 4 ? 'current' : 'legacy', basis: 'version', version };
    }
    if (major === 7 && (minor === 11 || minor === 12)) {
        return {
            rules: 'current',
            basis: 'assumed',
            version,
            note: t('rules.unconfirmed', { version: `${major}.${minor}` }),
        };
    }
    return { rules: 'current', basis: 'version', version };
}

export function parseRulesSetting(value: unknown): RulesSetting {
    return value === 'current' || value === 'legacy' ? value : 'auto';
}
