// A CRM receiver on loopback, of the kinds a webhook receiver comes in: one that handles everything
// as it should, one that answers 204 to Message, one that ignores the token, one that checks the
// token but not the signature, a slow one, one that answers 200 with an HTML page.
import * as http from 'http';
import { Webhook } from 'standardwebhooks';

import { listenOnLoopback } from './receiver';

export interface Seen {
    type?: string;
    token?: string;
    webhookId?: string;
}

export type CrmKind = 'good' | 'message-204' | 'ignores-token' | 'no-signature-check' | 'slow' | 'html';

export interface CrmOptions {
    kind: CrmKind;
    /** The secret token it expects (unless it ignores the token). */
    token: string;
    /** With a signing secret it also verifies signatures (unless it ignores them). */
    signingSecret?: string;
    delayMs?: number;
}

/** A CRM receiver of the given kind; it records what it saw. */
export async function startCrm({
    kind,
    token: expected,
    signingSecret,
    delayMs = 0,
}: CrmOptions): Promise<{ url: string; seen: Array<Seen>; close: () => Promise<void> }> {
    const seen: Array<Seen> = [];
    const verifier = signingSecret ? new Webhook(signingSecret) : undefined;
    const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
            const type = (() => {
                try {
                    return JSON.parse(body).type;
                } catch {
                    return undefined;
                }
            })();
            const token = req.headers['x-rocketchat-livechat-token'] as string | undefined;
            seen.push({ type, token, webhookId: req.headers['webhook-id'] as string | undefined });
            const answer = (status: number, text: string, contentType = 'application/json') =>
                setTimeout(() => {
                    res.writeHead(status, { 'Content-Type': contentType });
                    res.end(text);
                }, delayMs);
            if (kind !== 'ignores-token' && token !== expected) {
                return answer(401, '{"error":"bad token"}');
            }
            if (verifier && kind !== 'ignores-token' && kind !== 'no-signature-check') {
                try {
                    verifier.verify(body, req.headers as Record<string, string>);
                } catch {
                    return answer(401, '{"error":"bad signature"}');
                }
            }
            if (kind === 'message-204' && type === 'Message') {
                res.writeHead(204);
                return res.end();
            }
            if (kind === 'html') {
                return answer(200, '<!DOCTYPE html><html><body>Welcome to our CRM</body></html>', 'text/html');
            }
            answer(200, '{"crmId":"lead-7"}');
        });
    });
    const { port, close } = await listenOnLoopback(server);
    return { url: `http://127.0.0.1:${port}/crm`, seen, close };
}
