// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>", base64, sent as "v1,<signature>". Pure functions.
import { Buffer } from 'buffer';
import { createHmac } from 'crypto';
import { t, Text } from '../i18n/text';

const SECRET_PREFIX = 'whsec_';

export type SigningKey = { ok: true; key: Buffer } | { ok: false; reason: Text };

/** "whsec_<base64>" is the Standard Webhooks form; anything else is used as raw bytes (UTF-8). */
export function parseSigningSecret(secret: string): SigningKey {
    if (!secret.startsWith(SECRET_PREFIX)) {
        return { ok: true, key: Buffer.from(secret, 'utf8') };
    }
    const encoded = secret.slice(SECRET_PREFIX.length);
    if (!encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
        return { ok: false, reason: t('settings.whsecNotBase64') };
    }
    return { ok: true, key: Buffer.from(encoded, 'base64') };
}

export function signPayload(key: Buffer, webhookId: string, timestampSeconds: number, body: string): string {
    const digest = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
    return `v1,${digest}`;
}

export function buildSignatureHeaders(key: Buffer, webhookId: string, sentAt: Date, body: string): { [name: string]: string } {
    const timestamp = Math.floor(sentAt.getTime() / 1000);
    return {
        'webhook-id': webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signPayload(key, webhookId, timestamp, body),
    };
}
