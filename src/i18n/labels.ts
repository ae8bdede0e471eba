// The words a surface shows for the app's codes (verdicts, error kinds, watch states).
import type { ErrorKind, Verdict } from '../delivery/report';
import type { StepVerdict } from '../check/findings';
import { Message, t } from './text';

const VERDICTS: { [verdict in Verdict]: Message } = {
    'delivered': t('verdict.delivered'),
    'retried': t('verdict.retried'),
    'dropped': t('verdict.dropped'),
    'not-sent': t('verdict.notSent'),
    'refused': t('verdict.refused'),
};

const ERROR_KINDS: { [kind in ErrorKind]: Message } = {
    'status': t('errorKind.status'),
    'timeout': t('errorKind.timeout'),
    'connection': t('errorKind.connection'),
    'invalid-url': t('errorKind.invalidUrl'),
    'url-not-set': t('errorKind.urlNotSet'),
    'ssrf': t('errorKind.ssrf'),
    'redirect-loop': t('errorKind.redirectLoop'),
    'invalid-setting': t('errorKind.invalidSetting'),
};

export function verdictLabel(verdict: Verdict): Message {
    return VERDICTS[verdict];
}

export function errorKindLabel(kind: ErrorKind): Message {
    return ERROR_KINDS[kind];
}

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
    return verdict in VERDICTS ? VERDICTS[verdict as Verdict] : STEP_VERDICTS[verdict as Exclude<StepVerdict, Verdict>];
}
