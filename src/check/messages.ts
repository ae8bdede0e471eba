// The receiver check as a block message: one line per step, then the problems with their hints. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import type { CheckAnswer } from './Checks';
import { code } from '../util/markdown';
import { Finding, receiverErrors, StepResult } from './findings';

const SEVERITY_MARKS = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

function stepMark(step: StepResult, problems: Array<Finding>): string {
    const worst = problems
        .filter((finding) => finding.step === step.name || (finding.steps && finding.steps.includes(step.name)))
        .map((finding) => finding.severity);
    if (worst.includes('error')) {
        return '⛔';
    }
    if (worst.includes('warning') || step.verdict === 'skipped') {
        return '⚠️';
    }
    return '✅';
}

export function checkMessage(answer: CheckAnswer): { text: string; blocks: Array<LayoutBlock> } {
    const steps = answer.steps || [];
    const problems = answer.problems || [];
    // The workspace's own findings come first; the title counts the receiver's.
    const errors = receiverErrors(problems);
    const title = answer.ready
        ? `✅ Receiver ready: ${steps.length} steps, no error`
        : `⛔ Receiver not ready: ${errors} error${errors === 1 ? '' : 's'} in ${steps.length} steps`;
    const where = `${answer.url ? ` (${code(answer.url.replace(/^https?:\/\//, '').split('/')[0])})` : ''} · ${answer.durationMs} ms`;
    const header = `${title}${where}`;
    const lines = steps.map((step) => {
        const status = step.status === undefined ? (step.report && step.report.errorKind) || step.verdict : String(step.status);
        const time = step.durationMs === undefined ? '' : ` · ${step.durationMs} ms`;
        const crm = step.crmData ? ` · crmData ${step.crmData.bytes} B` : '';
        const off = step.notSent ? ' · not sent by this workspace' : '';
        return `${stepMark(step, problems)} ${step.name} · ${status}${time}${crm}${off}`;
    });
    const found = problems.map((finding) => `${SEVERITY_MARKS[finding.severity]} *${finding.step}*: ${finding.hint}`);
    const text = [header, ...lines, ...(found.length ? ['Problems:', ...found] : [])].join('\n');
    const blocks: Array<LayoutBlock> = [
        // A code span inside bold shows as written: the host stays outside it.
        { type: 'section', text: { type: 'mrkdwn', text: `*${title}*${where}` } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
        ...(found.length ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: found.join('\n') } }] : []),
    ];
    return { text, blocks };
}
