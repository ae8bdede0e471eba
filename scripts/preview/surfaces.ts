// Every surface the app builds, made by driving the app in the local host as a user would: the panel
// empty, healthy and failing, the Send test form, a delivery detail, the slash reply for each verdict,
// the check table, real traffic, readiness, the watch alert and recovery.
import { LivechatWebhookTestApp } from '../../LivechatWebhookTestApp';
import { startCrm } from '../../test/host/crm';
import { ALERTS_ROOM, GENERAL_ROOM, makeUser } from '../../test/host/localHost';
import { Omnichannel } from '../../test/host/omnichannel';
import { startWorld, USERS, World } from '../../test/host/world';
import { Surface } from './surface';

export const PREVIEW_TOKEN = 'preview-secret-token';

/** Readers who chose another language than English in their preferences. */
export const READERS = [
    ['pt-BR', makeUser('leitora', ['user', 'admin'], 'pt-BR')],
    ['de', makeUser('leserin', ['user', 'admin'], 'de')],
] as const;

export async function collectSurfaces(): Promise<Array<Surface>> {
    const world: World = await startWorld(LivechatWebhookTestApp);
    // The pictures' CRM checks the token and answers 204 to Message (dropped), 200 to the rest.
    const crm = await startCrm({ kind: 'message-204', token: PREVIEW_TOKEN });
    const { host } = world;
    const surfaces: Array<Surface> = [];
    const view = (id: string, caption: string) => {
        const last = host.surfaces[host.surfaces.length - 1].view;
        surfaces.push({
            id,
            caption,
            kind: last.type === 'contextualBar' ? 'contextualBar' : 'modal',
            title: last.title && last.title.text,
            blocks: last.blocks,
            ...(last.submit && { submit: last.submit.text.text }),
            ...(last.close && { close: last.close.text.text }),
        });
    };
    const message = (id: string, caption: string, last: { text?: string; blocks?: unknown }, ephemeral: boolean) =>
        surfaces.push({
            id,
            caption,
            kind: 'message',
            sender: 'livechat-webhook-test.bot',
            ephemeral,
            blocks: (last.blocks as Array<any>) || [{ type: 'section', text: { type: 'mrkdwn', text: last.text } }],
        });
    /** The newest private reply, or the newest message posted in a room. */
    const reply = (id: string, caption: string) => message(id, caption, host.notifier.toUsers[host.notifier.toUsers.length - 1].message, true);
    const posted = (id: string, caption: string) => message(id, caption, host.roomMessages[host.roomMessages.length - 1], false);
    const slash = (...args: Array<string>) => host.runCommand('livechat-webhook-test', USERS.admin, args);
    try {
        host.settings.set('tests_per_minute', 0);
        host.rooms.addRoom(ALERTS_ROOM);
        await world.primePermissionTable();
        await slash('panel');
        view('panel-empty', 'The Webhook panel, before any test');
        // The workspace as an admin sets Omnichannel → Webhooks: the CRM's URL, the usual events on.
        host.serverSettings.set('Livechat_webhookUrl', crm.url);
        for (const flag of ['on_start', 'on_chat_taken', 'on_close', 'on_visitor_message', 'on_agent_message']) {
            host.serverSettings.set(`Livechat_webhook_${flag}`, true);
        }
        host.settings.set('webhook_secret_token', PREVIEW_TOKEN);
        host.settings.set('webhook_url', crm.url);
        await slash();
        reply('reply-delivered', 'Slash reply: delivered');
        await slash('Message');
        reply('reply-dropped', 'Slash reply: dropped (the receiver answers 204 to Message)');
        world.receiver.behave({ status: 503, body: 'maintenance' });
        host.settings.set('webhook_url', world.receiver.url);
        await slash('LivechatSessionTaken');
        reply('reply-retried', 'Slash reply: retried (503)');
        host.settings.set('webhook_url', '');
        await slash();
        reply('reply-not-sent', 'Slash reply: not sent (no webhook URL)');
        host.settings.set('webhook_url', crm.url);
        await slash('url', 'http://169.254.169.254/latest/meta-data/');
        reply('reply-refused', 'Slash reply: refused by the network policy');
        await slash('check');
        reply('check-table', 'The receiver check (the receiver answers 204 to Message)');

        // Real traffic: a conversation as Rocket.Chat tells the app of it (lead capture is off here).
        const omnichannel = new Omnichannel(host);
        await omnichannel.start('lc-preview-1');
        await omnichannel.take('lc-preview-1');
        await omnichannel.visitorSays('lc-preview-1', 'Hi, my order has not arrived');
        await omnichannel.agentSays('lc-preview-1', 'Let me check that for you');
        await omnichannel.close('lc-preview-1');
        await slash('traffic');
        reply('reply-traffic', 'Slash reply: the last 24 h of real traffic, and why some of it was not sent');
        await slash('readiness');
        reply('reply-readiness', 'Slash reply: what Rocket.Chat itself sends, and where');

        host.settings.set('watch_interval_minutes', 5);
        host.settings.set('watch_alert_room', 'webhook-alerts');
        host.settings.set('watch_event', 'LivechatSession');
        await host.settingsApplied();
        await host.fireJob('webhook-watch');
        await slash('panel');
        view('panel-healthy', 'The Webhook panel: healthy');
        await host.blockAction(USERS.admin, GENERAL_ROOM, {
            actionId: 'livechat-webhook-test.panel.send',
            value: '',
            container: { type: 'view' as any, id: 'livechat-webhook-test.panel' },
        });
        view('send-form', 'Send test: the form');
        const delivered = host.surfaces[host.surfaces.length - 2].view.blocks.find((block: any) => block.accessory && /✅/.test(block.text.text));
        await host.blockAction(USERS.admin, GENERAL_ROOM, {
            actionId: 'livechat-webhook-test.panel.delivery',
            value: delivered.accessory.options.find((option: any) => /^details/.test(option.value)).value,
            container: { type: 'view' as any, id: 'livechat-webhook-test.panel' },
        });
        view('detail', 'Details: a delivery');

        host.settings.set('webhook_url', world.receiver.url);
        for (let index = 0; index < 3; index++) {
            await host.fireJob('webhook-watch');
        }
        posted('watch-alert', 'Health watch: the alert in #webhook-alerts');
        await slash('panel');
        view('panel-failing', 'The Webhook panel: failing');
        // A conversation while the CRM is down: the recovery names what the outage may have lost.
        await omnichannel.start('lc-preview-2');
        await omnichannel.visitorSays('lc-preview-2', 'Anyone there?');
        await omnichannel.close('lc-preview-2');
        world.receiver.behave({ status: 200 });
        await host.fireJob('webhook-watch');
        posted('watch-recovery', 'Health watch: the recovery, with what the outage may have lost and a button to send it again');

        // The same surfaces for readers who chose Portuguese or German; the alert in the workspace's language.
        host.settings.set('webhook_url', crm.url);
        for (const [language, reader] of READERS) {
            await host.runCommand('livechat-webhook-test', reader, ['check']);
            reply(`check-table-${language}`, `The receiver check, for a reader whose language is ${language}`);
        }
        host.settings.set('webhook_url', world.receiver.url);
        for (const [language, reader] of READERS) {
            host.serverSettings.set('Language', language);
            world.receiver.behave({ status: 503, body: 'maintenance' });
            for (let index = 0; index < 3; index++) {
                await host.fireJob('webhook-watch');
            }
            posted(`watch-alert-${language}`, `Health watch: the alert, the workspace's language ${language}`);
            await host.runCommand('livechat-webhook-test', reader, ['panel']);
            view(`panel-${language}`, `The Webhook panel, for a reader whose language is ${language}`);
            world.receiver.behave({ status: 200 });
            await host.fireJob('webhook-watch');
        }
        host.serverSettings.set('Language', '');
        return surfaces;
    } finally {
        await crm.close();
        await world.close();
    }
}
