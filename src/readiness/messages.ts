// The readiness report as a block message (slash `readiness`) and as the panel's first line. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { code } from '../util/markdown';
import type { Readiness } from './judge';
import { cat, Lang, list, render, t, Text } from '../i18n/text';

const MARKS = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

export function readinessHeadline(readiness: Readiness): Text {
    const sent = readiness.events.filter((item) => item.sent === true).length;
    const unknown = readiness.events.filter((item) => item.sent === null).length;
    if (readiness.sends === false) {
        return t('readiness.sendsNothing');
    }
    if (readiness.sends === null && sent === 0) {
        return t('readiness.unknown');
    }
    const where =
        readiness.sameUrl === false
            ? t('readiness.toAnotherUrl')
            : readiness.workspaceUrl
              ? cat([' ', t('readiness.toUrl', { url: code(readiness.workspaceUrl) })])
              : '';
    return cat([
        readiness.sameUrl === false ? '⚠️ ' : '✅ ',
        t('readiness.sends', { sent, total: readiness.events.length }),
        unknown ? cat([' ', t('readiness.unknownCount', { count: unknown })]) : '',
        where,
    ]);
}

export function readinessMessage(readiness: Readiness, lang: Lang): { text: string; blocks: Array<LayoutBlock> } {
    const r = (value: Text) => render(value, lang);
    const headline = r(readinessHeadline(readiness));
    const events = readiness.events.map((item) => {
        const mark = item.sent === true ? '✅' : item.sent === false ? '⛔' : '❔';
        const setting = item.settings.length ? r(list(item.settings, 'or')) : r(t('readiness.noSetting'));
        return `${mark} ${item.event} · ${setting}`;
    });
    const timeout = r(
        readiness.timeoutMs === undefined
            ? t('readiness.timeoutUnknown')
            : t('readiness.timeout', { ms: readiness.timeoutMs, spacing: readiness.timeoutMs * 4 }),
    );
    const timeoutLine = r(t('readiness.timeoutLine', { timeout }));
    const findings = readiness.findings.map((finding) => `${MARKS[finding.severity]} ${r(finding.hint)}`);
    const text = [r(t('readiness.title', { headline })), ...events, timeoutLine, ...findings].join('\n');
    return {
        text,
        blocks: [
            // Not all of it bold: a code span inside bold shows as written.
            { type: 'section', text: { type: 'mrkdwn', text: `*${r(t('readiness.heading'))}* ${headline}` } },
            { type: 'section', text: { type: 'mrkdwn', text: events.join('\n') } },
            { type: 'context', elements: [{ type: 'mrkdwn', text: timeoutLine }] },
            ...(findings.length ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: findings.join('\n') } }] : []),
        ],
    };
}
