// The words a surface shows for a check step's verdict.
import type { StepVerdict } from './findings';
import type { Verdict } from '../delivery/report';
import { verdictLabel } from '../delivery/labels';
import { Message, t } from '../i18n/text';

const STEP_VERDICTS: { [verdict in Exclude<StepVerdict, Verdict>]: Message } = {
    'refused-as-it-should': t('stepVerdict.refusedAsItShould'),
    'refused-with-200': t('stepVerdict.refusedWith200'),
    'accepted': t('stepVerdict.accepted'),
    'crashed': t('stepVerdict.crashed'),
    'inconclusive': t('stepVerdict.inconclusive'),
    'no-answer': t('stepVerdict.noAnswer'),
    'skipped': t('stepVerdict.skipped'),
};

export function stepVerdictLabel(verdict: StepVerdict): Message {
    return verdict in STEP_VERDICTS ? STEP_VERDICTS[verdict as Exclude<StepVerdict, Verdict>] : verdictLabel(verdict as Verdict);
}
