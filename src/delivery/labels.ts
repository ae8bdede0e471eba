// The words a surface shows for a delivery's codes (verdicts, error kinds).
import type { ErrorKind, Verdict } from './report';
import { Message, t } from '../i18n/text';

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
