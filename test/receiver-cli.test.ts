// `npm run receiver`: the local receiver for integrators, driven by the app as Rocket.Chat would.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { ROOT } from './host/localHost';
import { startWorld, USERS, World } from './host/world';

const TOKEN = 'receiver-cli-token';
const SIGNING_SECRET = 'whsec_cmVjZWl2ZXItY2xpLXNpZ25pbmctc2VjcmV0';

interface Running {
    child: ChildProcess;
    url: string;
    output: () => string;
    exit: Promise<number | null>;
}

async function startCli(args: Array<string>, env: { [name: string]: string } = {}): Promise<Running> {
    const child = spawn(process.execPath, ['-r', './test/host/register.js', path.join('scripts', 'receiver.ts'), '--port', '0', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver did not start: ${output}`)), 20000);
        const poll = setInterval(() => {
            const match = /Listening on (http:\/\/\S+)/.exec(output);
            if (match) {
                clearTimeout(timer);
                clearInterval(poll);
                resolve(`${match[1]}rocketchat`);
            }
        }, 20);
    });
    return { child, url, output: () => output, exit };
}

let world: World;
let cli: Running | undefined;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
});

afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
        cli.child.kill('SIGKILL');
    }
    cli = undefined;
    await world.close();
});

describe('npm run receiver', () => {
    it('prints each delivery readably, checks the token and the signature from the environment, and answers 200', async () => {
        cli = await startCli([], { RECEIVER_TOKEN: TOKEN, RECEIVER_SIGNING_SECRET: SIGNING_SECRET });
        world.host.settings.set('webhook_url', cli.url);
        world.host.settings.set('webhook_secret_token', TOKEN);
        world.host.settings.set('webhook_signing_secret', SIGNING_SECRET);
        const response = await world.host.post('webhook.test', {
            user: USERS.admin,
            headers: { 'X-User-Id': USERS.admin.id, 'X-Auth-Token': 'auth-token-of-admin.user' },
            content: { event: 'Message' },
        });
        expect(response.status).toBe(200);
        const output = cli.output();
        expect(output).toMatch(/── delivery 1 · \S+ · POST \/rocketchat · Message/);
        expect(output).toContain('token      ✔ matches');
        expect(output).toMatch(/signature {2}✔ verified \(webhook-id dlv_[0-9a-f]{12}\)/);
        expect(output).toContain('"type": "Message"');
        expect(output).toContain('answer     200');
        expect(output).not.toContain(TOKEN);
        expect(output).not.toContain(SIGNING_SECRET.slice(6));
        expect(output).not.toContain('warning');
    });

    it('still takes --token and --signing-secret, warning that they show in ps, and prints neither', async () => {
        cli = await startCli(['--token', TOKEN, '--signing-secret', SIGNING_SECRET]);
        world.host.settings.set('webhook_url', cli.url);
        world.host.settings.set('webhook_secret_token', TOKEN);
        world.host.settings.set('webhook_signing_secret', SIGNING_SECRET);
        expect((await world.testAs(USERS.admin)).status).toBe(200);
        const output = cli.output();
        expect(output).toContain('warning: --token shows in ps');
        expect(output).toContain('RECEIVER_TOKEN');
        expect(output).toContain('warning: --signing-secret shows in ps');
        expect(output).not.toContain(TOKEN);
        expect(output).not.toContain(SIGNING_SECRET.slice(6));
    });

    it('answers 401 to a wrong token or a missing signature, naming what failed, which the app reports as dropped', async () => {
        cli = await startCli([], { RECEIVER_TOKEN: TOKEN, RECEIVER_SIGNING_SECRET: SIGNING_SECRET });
        world.host.settings.set('webhook_url', cli.url);
        world.host.settings.set('webhook_secret_token', 'not-the-token');
        const response = await world.testAs(USERS.admin);
        expect(response.content).toMatchObject({
            delivery: { status: 401, verdict: 'dropped', responseExcerpt: expect.stringContaining('token does not match, signature missing') },
        });
        expect(cli.output()).toContain('token      ✘ does not match RECEIVER_TOKEN');
        expect(cli.output()).toContain('signature  ✘ not signed');
        expect(cli.output()).not.toContain('not-the-token');
    });

    it("answers 401 to a wrong signature, and the app's hint then names the signature", async () => {
        cli = await startCli([], { RECEIVER_TOKEN: TOKEN, RECEIVER_SIGNING_SECRET: SIGNING_SECRET });
        world.host.settings.set('webhook_url', cli.url);
        world.host.settings.set('webhook_secret_token', TOKEN);
        world.host.settings.set('webhook_signing_secret', 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==');
        const response = await world.testAs(USERS.admin);
        expect(response.content.delivery.hint).toContain('its answer names the signature');
    });

    it('takes --token=value too, and never echoes the value of an option it does not know', async () => {
        cli = await startCli([`--token=${TOKEN}`]);
        world.host.settings.set('webhook_url', cli.url);
        world.host.settings.set('webhook_secret_token', TOKEN);
        expect((await world.testAs(USERS.admin)).status).toBe(200);
        expect(cli.output()).toContain('token      ✔ matches');
        expect(cli.output()).not.toContain(TOKEN);
        const child = spawn(process.execPath, ['-r', './test/host/register.js', path.join('scripts', 'receiver.ts'), `--tokn=${TOKEN}`], { cwd: ROOT });
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        expect(await new Promise<number | null>((resolve) => child.on('exit', resolve))).toBe(2);
        expect(output).toContain('unknown argument --tokn\n');
        expect(output).not.toContain(TOKEN);
    });

    it('says clearly that a whsec_ signing secret is not base64, without printing it', async () => {
        const child = spawn(process.execPath, ['-r', './test/host/register.js', path.join('scripts', 'receiver.ts'), '--port', '0'], {
            cwd: ROOT,
            env: { ...process.env, RECEIVER_SIGNING_SECRET: 'whsec_not!base64-SECRET' },
        });
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        expect(await new Promise<number | null>((resolve) => child.on('exit', resolve))).toBe(2);
        expect(output).toContain('is not base64');
        expect(output).not.toContain('not!base64-SECRET');
        expect(output).not.toMatch(/\n\s+at /);
    });

    it('answers the chosen status after the chosen delay', async () => {
        cli = await startCli(['--status', '503', '--delay-ms', '150']);
        world.host.settings.set('webhook_url', cli.url);
        const response = await world.testAs(USERS.admin);
        expect(response.content).toMatchObject({ delivery: { status: 503, verdict: 'retried' } });
        expect((response.content as any).delivery.durationMs).toBeGreaterThanOrEqual(140);
    });

    it('stops cleanly on Ctrl-C', async () => {
        cli = await startCli([]);
        world.host.settings.set('webhook_url', cli.url);
        await world.testAs(USERS.admin);
        cli.child.kill('SIGINT');
        expect(await cli.exit).toBe(0);
        expect(cli.output()).toContain('Stopped after 1 deliveries.');
    });

    it('refuses a bad argument with the usage', async () => {
        const child = spawn(process.execPath, ['-r', './test/host/register.js', path.join('scripts', 'receiver.ts'), '--status', 'ok'], { cwd: ROOT });
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code).toBe(2);
        expect(output).toContain('--status must be a whole number');
        expect(output).toContain('npm run receiver -- --port 8080');
    });
});
