// The receiver check as a block message: one line per step, then the problems with their hints. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import type { CheckAnswer } from '../usecases/check';
import { code } from '../util/markdown';
import { Finding, receiverErrors, StepResult } from './findings';
import { stepLabel } from './plan';
import { errorKindLabel } from '../delivery/labels';
import { stepVerdictLabel } from './labels';
import { Lang, plural, render, t, Text } from '../i18n/text';

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

export function checkMessage(answer: CheckAnswer, lang: Lang): { text: string; blocks: Array<LayoutBlock> } {
    const r = (text: Text) => render(text, lang);
    const steps = answer.steps || [];
    const problems = answer.problems || [];
    // The workspace's own findings come first; the title counts the receiver's.
    const errors = receiverErrors(problems);
    const title = r(answer.ready ? t('check.ready', { steps: steps.length }) : plural('check.notReady', errors, { steps: steps.length }));
    const where = `${answer.url ? ` (${code(answer.url.replace(/^https?:\/\//, '').split('/')[0])})` : ''} · ${answer.durationMs} ms`;
    const header = `${title}${where}`;
    const lines = steps.map((step) => {
        const status =
            step.status === undefined
                ? r(step.report && step.report.errorKind ? errorKindLabel(step.report.errorKind) : stepVerdictLabel(step.verdict))
                : String(step.status);
        const time = step.durationMs === undefined ? '' : ` · ${step.durationMs} ms`;
        const crm = step.crmData ? ` · crmData ${step.crmData.bytes} B` : '';
        const off = step.notSent ? ` · ${r(t('check.notSentHere'))}` : '';
        return `${stepMark(step, problems)} ${r(stepLabel(step.name))} · ${status}${time}${crm}${off}`;
    });
    const found = problems.map((finding) => `${SEVERITY_MARKS[finding.severity]} *${r(stepLabel(finding.step))}*: ${r(finding.hint)}`);
    const text = [header, ...lines, ...(found.length ? [r(t('check.problems')), ...found] : [])].join('\n');
    const blocks: Array<LayoutBlock> = [
        // A code span inside bold shows as written: the host stays outside it.
        { type: 'section', text: { type: 'mrkdwn', text: `*${title}*${where}` } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
        ...(found.length ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: found.join('\n') } }] : []),
    ];
    return { text, blocks };
}
