// The readiness report as a block message (slash `readiness`) and as the panel's first line. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { code } from '../util/markdown';
import type { Readiness } from './judge';

const MARKS = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

export function readinessHeadline(readiness: Readiness): string {
    const sent = readiness.events.filter((item) => item.sent === true).length;
    const unknown = readiness.events.filter((item) => item.sent === null).length;
    if (readiness.sends === false) {
        return '⛔ Rocket.Chat sends nothing';
    }
    if (readiness.sends === null && sent === 0) {
        return '❔ What Rocket.Chat sends is unknown (the server did not say)';
    }
    const where = readiness.sameUrl === false ? ', to another URL than the one tested' : readiness.workspaceUrl ? ` to ${code(readiness.workspaceUrl)}` : '';
    return `${readiness.sameUrl === false ? '⚠️' : '✅'} Rocket.Chat sends ${sent} of ${readiness.events.length} events${unknown ? ` (${unknown} unknown)` : ''}${where}`;
}

export function readinessMessage(readiness: Readiness): { text: string; blocks: Array<LayoutBlock> } {
    const headline = `Workspace readiness: ${readinessHeadline(readiness)}`;
    const events = readiness.events.map((item) => {
        const mark = item.sent === true ? '✅' : item.sent === false ? '⛔' : '❔';
        const setting = item.settings.length ? item.settings.join(' or ') : 'no setting: sent when a closed conversation is edited';
        return `${mark} ${item.event} · ${setting}`;
    });
    const timeout =
        readiness.timeoutMs === undefined ? 'unknown' : `${readiness.timeoutMs} ms (Livechat_http_timeout); retries ${readiness.timeoutMs * 4} ms apart`;
    const findings = readiness.findings.map((finding) => `${MARKS[finding.severity]} ${finding.hint}`);
    const text = [headline, ...events, `Timeout of real deliveries: ${timeout}`, ...findings].join('\n');
    return {
        text,
        blocks: [
            // Not all of it bold: a code span inside bold shows as written.
            { type: 'section', text: { type: 'mrkdwn', text: `*Workspace readiness:* ${readinessHeadline(readiness)}` } },
            { type: 'section', text: { type: 'mrkdwn', text: events.join('\n') } },
            { type: 'context', elements: [{ type: 'mrkdwn', text: `Timeout of real deliveries: ${timeout}` }] },
            ...(findings.length ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: findings.join('\n') } }] : []),
        ],
    };
}
