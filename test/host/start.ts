// `npm start`: the packaged app loaded in the local host, a real loopback receiver and a stand-in
// for the host's permissions.listAll; runs the endpoint as an admin and prints what happened.
import * as path from 'path';

import { IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { Webhook } from 'standardwebhooks';

import { ROOT } from './localHost';
import { ReceivedRequest } from './receiver';
import { closedConversation } from './conversations';
import { credentialsOf, startWorld, USERS } from './world';
import { loadAppFromZip, packagedZipPath } from './zipLoader';

const DEMO_TOKEN = 'demo-secret-token';
const DEMO_SIGNING_SECRET = 'whsec_ZGVtby1zaWduaW5nLXNlY3JldC0xMjM0NTY=';

async function main(): Promise<void> {
    const zipPath = packagedZipPath();
    const loaded = loadAppFromZip(zipPath);
    const { info } = loaded;
    const world = await startWorld(loaded.AppClass);
    const { host, receiver, permissionHost } = world;
    host.settings.set('webhook_secret_token', DEMO_TOKEN);

    const endpointPath = `/api/apps/public/${info.id}/webhook.test`;
    console.log(`Livechat Webhook Test ${info.version}: local demo`);
    console.log(`  app       ${path.relative(ROOT, zipPath)} (${loaded.files.length} files, loaded with the runtime's allowed modules only)`);
    console.log(`  receiver  ${receiver.url} (a real HTTP server on loopback)`);
    console.log(`  host API  ${permissionHost.siteUrl.replace(/\/$/, '')}/api/v1/permissions.listAll (stand-in for the Rocket.Chat server)`);
    console.log(`  settings  webhook_url=${receiver.url}  webhook_secret_token=(set)  webhook_timeout_ms=5000  allowed_private_hosts=127.0.0.1`);

    try {
        console.log(`\n1. POST ${endpointPath} as ${USERS.admin.username} (roles: ${USERS.admin.roles.join(', ')})`);
        const started = process.hrtime.bigint();
        const response = await world.testAs(USERS.admin);
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        printResponse(response);
        console.log(`   answered in ${elapsedMs.toFixed(1)} ms, permission look-up included`);
        console.log('\n   The receiver got:');
        printRequest(receiver.requests[0]);

        console.log(`\n2. The same, with a receiver that answers 204 No Content`);
        receiver.behave({ status: 204, body: '' });
        printResponse(await world.testAs(USERS.admin));

        console.log(`\n3. A real conversation as the payload: POST ${endpointPath} {"roomId": "demo-room", "event": "LivechatSessionTaken"}`);
        receiver.behave({ status: 200, body: '{"crmId":"lead-42"}' });
        const conversation = closedConversation('demo-room', 3);
        host.rooms.addRoom(conversation.room, conversation.messages);
        host.rooms.addUser(conversation.agent);
        const fromRoom = await host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { roomId: 'demo-room', event: 'LivechatSessionTaken' } });
        printResponse(fromRoom);
        const sent = JSON.parse(receiver.requests[receiver.requests.length - 1].body);
        console.log(`   the receiver got type ${sent.type}, visitor ${sent.visitor.username}, agent ${sent.agent.username}, ${sent.messages.length} messages`);

        console.log(`\n4. POST ${endpointPath} as ${USERS.plain.username} (roles: ${USERS.plain.roles.join(', ')})`);
        printResponse(await world.testAs(USERS.plain));

        console.log(`\n5. /livechat-webhook-test typed by ${USERS.admin.username}: the private reply (text fallback of the block message)`);
        await host.runCommand('livechat-webhook-test', USERS.admin);
        const reply = host.notifier.toUsers[host.notifier.toUsers.length - 1];
        console.log(reply.message.text!.replace(/^/gm, '   '));
        const blocks = (reply.message.blocks || []) as Array<any>;
        console.log(`   blocks: ${blocks.map((block) => block.type).join(', ')}; button "${blocks[3].elements[0].text.text}" → ${blocks[3].elements[0].value}`);

        console.log(`\n6. Clicking "Send again", then GET webhook.deliveries`);
        await host.blockAction(USERS.admin, reply.message.room, { actionId: blocks[3].elements[0].actionId, value: blocks[3].elements[0].value });
        const history = (await host.get('webhook.deliveries', { user: USERS.admin, headers: credentialsOf(USERS.admin) })).content as any;
        for (const item of history.deliveries) {
            const again = item.redeliveryOf ? ` (again ${item.redeliveryOf})` : '';
            console.log(`   ${item.id}  ${item.event.padEnd(22)} ${String(item.status ?? '-').padEnd(4)} ${item.verdict.padEnd(9)} by ${item.by}${again}`);
        }

        console.log(`\n7. Signed deliveries: webhook_signing_secret set, then verified the way a receiver would (standardwebhooks)`);
        host.settings.set('webhook_signing_secret', DEMO_SIGNING_SECRET);
        await world.testAs(USERS.admin);
        const signed = receiver.requests[receiver.requests.length - 1];
        const signatureHeaders = { 'webhook-id': String(signed.headers['webhook-id']), 'webhook-timestamp': String(signed.headers['webhook-timestamp']), 'webhook-signature': String(signed.headers['webhook-signature']) };
        new Webhook(DEMO_SIGNING_SECRET).verify(signed.body, signatureHeaders);
        console.log(`   ${Object.entries(signatureHeaders).map(([name, value]) => `${name}: ${value}`).join('\n   ')}\n   → signature verified`);

        console.log(`\n8. POST ${endpointPath} {"url": "http://169.254.169.254/latest/meta-data/"} (a cloud metadata address)`);
        printResponse(await host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content: { url: 'http://169.254.169.254/latest/meta-data/' } }));

        console.log(`\nApp log:\n${host.logger.entries.map((entry) => `   [${entry.severity}] ${entry.args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`).join('\n')}`);
        console.log(`\nThe receiver got ${receiver.requests.length} deliveries; the host answered ${permissionHost.calls.length} permission look-up(s).`);
    } finally {
        await world.close();
    }
}

function printResponse(response: IApiResponse): void {
    console.log(`   → HTTP ${response.status} ${JSON.stringify(response.content)}`);
}

function printRequest(request: ReceivedRequest): void {
    console.log(`     ${request.method} ${request.path}`);
    for (const [name, value] of Object.entries(request.headers)) {
        const shown = name === 'x-rocketchat-livechat-token' ? `(${String(value).length} characters, matches the setting: ${value === DEMO_TOKEN})` : value;
        console.log(`     ${name}: ${shown}`);
    }
    console.log(JSON.stringify(JSON.parse(request.body), null, 2).replace(/^/gm, '     '));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
