// `RECEIVER_TOKEN=… RECEIVER_SIGNING_SECRET=… npm run receiver -- --port 8080 [--status 200] [--delay-ms N] [--host H]`:
// a webhook receiver for people building a CRM integration. It prints each delivery readably,
// checks the X-RocketChat-Livechat-Token header and the Standard Webhooks signature when told what
// to expect (answering 401, naming what failed, when they do not match), and otherwise answers the
// chosen status. The secrets come from the environment (a command line shows in `ps` and in npm's
// banner); `--token` / `--signing-secret` still work, with a warning. It never prints a secret.
import * as http from 'http';

import { Webhook } from 'standardwebhooks';

const TOKEN_HEADER = 'x-rocketchat-livechat-token';

interface Options {
    port: number;
    host: string;
    token?: string;
    signingSecret?: string;
    status: number;
    delayMs: number;
}

const USAGE = [
    'RECEIVER_TOKEN=<token> RECEIVER_SIGNING_SECRET=<whsec_…> npm run receiver -- --port 8080 [--status 200] [--delay-ms N] [--host 127.0.0.1]',
    "  (--token T and --signing-secret S also work, but show in ps and in npm's banner)",
].join('\n');

function parseOptions(argv: Array<string>, env: NodeJS.ProcessEnv): Options {
    const options: Options = { port: 8080, host: '127.0.0.1', status: 200, delayMs: 0 };
    if (env.RECEIVER_TOKEN) {
        options.token = env.RECEIVER_TOKEN;
    }
    if (env.RECEIVER_SIGNING_SECRET) {
        options.signingSecret = env.RECEIVER_SIGNING_SECRET;
    }
    const value = (index: number, name: string) => {
        const next = argv[index + 1];
        if (next === undefined) {
            fail(`${name} needs a value`);
        }
        return next;
    };
    // `--name=value` is `--name value`.
    argv = argv.flatMap((arg) => (/^--[\w-]+=/.test(arg) ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]));
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index];
        switch (arg) {
            case '--port':
                options.port = integer(value(index++, arg), arg, 0, 65535);
                break;
            case '--host':
                options.host = value(index++, arg);
                break;
            case '--token':
                options.token = value(index++, arg);
                warnVisible('--token', 'RECEIVER_TOKEN');
                break;
            case '--signing-secret':
                options.signingSecret = value(index++, arg);
                warnVisible('--signing-secret', 'RECEIVER_SIGNING_SECRET');
                break;
            case '--status':
                options.status = integer(value(index++, arg), arg, 100, 599);
                break;
            case '--delay-ms':
                options.delayMs = integer(value(index++, arg), arg, 0, 600000);
                break;
            case '--help':
            case '-h':
                console.log(USAGE);
                process.exit(0);
                break;
            default:
                // Only the name: a mistyped option's value may be a secret.
                fail(`unknown argument ${arg.startsWith('-') ? arg.replace(/=.*$/, '=…') : '(a value without an option)'}`);
        }
    }
    return options;
}

function integer(text: string, name: string, min: number, max: number): number {
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        fail(`${name} must be a whole number from ${min} to ${max}`);
    }
    return parsed;
}

function warnVisible(flag: string, variable: string): void {
    console.error(`receiver: warning: ${flag} shows in ps and in npm's banner; prefer the environment variable ${variable}.`);
}

function fail(message: string): never {
    console.error(`receiver: ${message}\n${USAGE}`);
    process.exit(2);
}

function verifier(secret: string): Webhook {
    try {
        return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    } catch {
        return fail('the signing secret (RECEIVER_SIGNING_SECRET or --signing-secret) starts with whsec_ but the rest is not base64');
    }
}

function main(): void {
    const options = parseOptions(process.argv.slice(2), process.env);
    const webhook = options.signingSecret ? verifier(options.signingSecret) : undefined;
    let count = 0;
    const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            count++;
            const body = Buffer.concat(chunks).toString('utf8');
            let parsed: any;
            try {
                parsed = JSON.parse(body);
            } catch {
                parsed = undefined;
            }
            const lines: Array<string> = [];
            const event = parsed && typeof parsed.type === 'string' ? parsed.type : '(no "type": not a Livechat webhook payload?)';
            lines.push(`── delivery ${count} · ${new Date().toISOString()} · ${req.method} ${req.url} · ${event}`);

            const refusals: Array<string> = [];
            const token = req.headers[TOKEN_HEADER];
            if (options.token === undefined) {
                lines.push(`   token      ${token === undefined ? '– none sent (no RECEIVER_TOKEN to check)' : '– sent (no RECEIVER_TOKEN to check)'}`);
            } else if (token === undefined) {
                lines.push('   token      ✘ missing: set the app\'s "Secret token" (or the workspace\'s Livechat_secret_token)');
                refusals.push('token missing');
            } else if (token !== options.token) {
                lines.push('   token      ✘ does not match RECEIVER_TOKEN');
                refusals.push('token does not match');
            } else {
                lines.push('   token      ✔ matches');
            }

            const signed = req.headers['webhook-signature'] !== undefined;
            if (!webhook) {
                lines.push(`   signature  ${signed ? '– signed (no RECEIVER_SIGNING_SECRET to check)' : '– not signed'}`);
            } else if (!signed) {
                lines.push('   signature  ✘ not signed: set the app\'s "Signing secret"');
                refusals.push('signature missing');
            } else {
                try {
                    webhook.verify(body, req.headers as Record<string, string>);
                    lines.push(`   signature  ✔ verified (webhook-id ${req.headers['webhook-id']})`);
                } catch (error) {
                    lines.push(`   signature  ✘ ${error instanceof Error ? error.message : 'invalid'}`);
                    refusals.push('signature does not verify');
                }
            }

            const shownHeaders = Object.entries(req.headers)
                .filter(([name]) => name !== TOKEN_HEADER)
                .map(([name, value]) => `${name}: ${value}`);
            lines.push(`   headers    ${shownHeaders.join('\n              ')}`);
            const refused = refusals.length > 0;
            const status = refused ? 401 : options.status;
            lines.push(`   answer     ${status}${refused ? ' (refused)' : ''}${options.delayMs ? ` after ${options.delayMs} ms` : ''}`);
            lines.push(parsed === undefined ? body : JSON.stringify(parsed, null, 2));
            console.log(lines.join('\n'));

            setTimeout(() => {
                res.writeHead(status, { 'Content-Type': 'application/json' });
                // A refusal names what failed, so the app's report can say which to fix.
                res.end(status === 200 ? '{"received":true}' : JSON.stringify({ received: false, status, ...(refused && { error: refusals.join(', ') }) }));
            }, options.delayMs);
        });
    });
    server.on('error', (error) => fail(error.message));
    server.listen(options.port, options.host, () => {
        const address = server.address() as { port: number };
        console.log(
            `Listening on http://${options.host}:${address.port}/ (answers ${options.status}${options.delayMs ? ` after ${options.delayMs} ms` : ''}${options.token ? ', checks the token' : ''}${webhook ? ', checks signatures' : ''}). Ctrl-C stops.`,
        );
    });
    const stop = () => {
        console.log(`\nStopped after ${count} deliveries.`);
        server.close(() => process.exit(0));
        server.closeAllConnections?.();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

main();
