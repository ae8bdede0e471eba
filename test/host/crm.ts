// A CRM receiver on loopback, of the kinds a webhook receiver comes in: one that handles everything
// as it should (the token always, a signature when there is one: Rocket.Chat never signs), one that
// answers 204 to Message, one that ignores the token, one that checks the token but not the
// signature, one that requires a signature, a slow one, one that answers 200 with an HTML page, and
// the ones real integrators write: a Flask bridge that crashes on a missing key, one that answers 200
// with an error text and checks nothing, one that refuses the fixed sample with 401.
import * as http from 'http';
import { Webhook } from 'standardwebhooks';

import { listenOnLoopback } from './receiver';

export interface Seen {
    type?: string;
    token?: string;
    webhookId?: string;
    signed: boolean;
    /** The payload carried the visitor's token (real deliveries do; Rocket.Chat's fixed test sample does not). */
    visitorToken: boolean;
}

export type CrmKind =
    'good' | 'message-204' | 'ignores-token' | 'no-signature-check' | 'requires-signature' | 'slow' | 'html' | 'flask-keyerror' | 'error-200' | 'sample-401';

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
            const payload = (() => {
                try {
                    return JSON.parse(body);
                } catch {
                    return {};
                }
            })();
            const type = payload.type;
            const token = req.headers['x-rocketchat-livechat-token'] as string | undefined;
            seen.push({
                type,
                token,
                webhookId: req.headers['webhook-id'] as string | undefined,
                signed: req.headers['webhook-signature'] !== undefined,
                visitorToken: !!(payload.visitor && payload.visitor.token),
            });
            const answer = (status: number, text: string, contentType = 'application/json') =>
                setTimeout(() => {
                    res.writeHead(status, { 'Content-Type': contentType });
                    res.end(text);
                }, delayMs);
            if (kind === 'error-200') {
                // Flask's default for a plain string: text/html. Checks nothing, takes nothing.
                return answer(200, 'Room Not Found', 'text/html; charset=utf-8');
            }
            if (kind === 'flask-keyerror' && type !== 'LivechatOfflineMessage' && !(payload.visitor && payload.visitor.token)) {
                // payload['visitor']['token'] before anything else: a KeyError is Flask's 500 page.
                return answer(500, "KeyError: 'token'", 'text/html; charset=utf-8');
            }
            if (kind === 'sample-401' && type === 'LivechatSession' && !(payload.visitor && payload.visitor.token)) {
                return answer(401, 'Visitor token was not a chat-api id.', 'text/html; charset=utf-8');
            }
            if (kind !== 'ignores-token' && token !== expected) {
                return answer(401, '{"error":"bad token"}');
            }
            const signed = req.headers['webhook-signature'] !== undefined;
            if (verifier && (signed || kind === 'requires-signature') && kind !== 'ignores-token' && kind !== 'no-signature-check') {
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
