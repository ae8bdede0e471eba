// The Webhook panel (a contextual bar), its "Send test" form and delivery detail (modals), and the
// room action that opens it, driven as Rocket.Chat's client drives them.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { closedConversation } from './host/conversations';
import { Omnichannel } from './host/omnichannel';
import { GENERAL_ROOM } from './host/localHost';
import { credentialsOf, startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_secret_token', 'panel-secret-token');
    await world.primePermissionTable();
});

afterEach(async () => {
    await world.close();
});

const VIEW = { type: 'view' as any, id: 'livechat-webhook-test.panel' };
const lastSurface = () => world.host.surfaces[world.host.surfaces.length - 1];
const texts = (view: any) =>
    (view.blocks as Array<any>).map((block) =>
        block.text
            ? block.text.text
            : block.elements
              ? block.elements.map((element: any) => element.text && (element.text.text || element.text)).join(' | ')
              : block.type,
    );
const click = (actionId: string, value?: string, user = USERS.admin) =>
    world.host.blockAction(user, GENERAL_ROOM, { actionId: `livechat-webhook-test.panel.${actionId}`, value, container: VIEW });

async function openPanel(user = USERS.admin) {
    await world.host.runCommand('livechat-webhook-test', user, ['panel']);
    return lastSurface();
}

describe('the panel', () => {
    it('checks the permission once to open or refresh (not once per thing it shows)', async () => {
        const guard = (world.host as any).app.stores.permissions;
        const check = jest.spyOn(guard, 'check');
        await openPanel();
        expect(check).toHaveBeenCalledTimes(1);
        await click('refresh');
        expect(check).toHaveBeenCalledTimes(2);
        check.mockRestore();
    });

    it('opens as a contextual bar with the target, last test, watch, history, the last 24 h of traffic, actions and the last deliveries', async () => {
        await world.testAs(USERS.admin);
        const surface = await openPanel();
        expect(surface).toMatchObject({
            kind: 'open',
            triggerId: expect.stringMatching(/^trigger-/),
            user: USERS.admin,
            view: { id: 'livechat-webhook-test.panel', type: 'contextualBar', title: { text: 'Webhook' } },
        });
        const shown = texts(surface.view);
        // The test workspace has no Webhook URL of its own: Rocket.Chat itself sends nothing.
        expect(shown[0]).toMatch(/^\*Workspace\*: ⛔ Rocket.Chat sends nothing: the workspace has no Webhook URL/);
        expect(shown[1]).toMatch(/^\*Target\*: `127\.0\.0\.1:\d+` \(from the app's Webhook URL\)$/);
        expect(shown[2]).toMatch(/^\*Last test\*: ✅ delivered · LivechatSession · 200 · /);
        expect(shown[3]).toBe('*Health watch*: off');
        expect(shown[4]).toMatch(/^\*History\*: 1 delivery · 100 % delivered · median \d+ ms$/);
        expect(shown[5]).toBe('*Last 24 h*: no Omnichannel event yet');
        expect(shown[6]).toBe('Send test | Check receiver | Refresh');
        const delivery = (surface.view.blocks as Array<any>).find((block) => block.accessory);
        expect(delivery.accessory).toMatchObject({ type: 'overflow', actionId: 'livechat-webhook-test.panel.delivery' });
        expect(delivery.accessory.options.map((option: any) => option.text.text)).toEqual(['Send again', 'Details']);
    });

    it("writes the workspace's line as two sentences: what Rocket.Chat sends, then the first finding", async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', 'https://crm.example.com/hook');
        world.host.serverSettings.set('Livechat_webhook_on_close', true);
        const shown = texts((await openPanel()).view);
        expect(shown[0]).toMatch(/^\*Workspace\*: ⚠️ Rocket\.Chat sends 2 of 9 events, to another URL than the one tested\. You are testing a URL /);
    });

    it('is refused, privately and with no view, to a user without the permission', async () => {
        await openPanel(USERS.plain);
        expect(world.host.surfaces).toHaveLength(0);
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-unauthorized');
    });

    it('Send test opens the form; its submit sends the test and updates the panel in place', async () => {
        await openPanel();
        await click('send', '');
        const form = lastSurface();
        expect(form).toMatchObject({ kind: 'open', view: { id: 'livechat-webhook-test.send-form', type: 'modal' } });
        const response = await world.host.viewSubmit(USERS.admin, form.view, { 'send-event': { 'send-event': 'Message' }, 'send-room': {}, 'send-url': {} });
        expect(response.success).toBe(true);
        expect(JSON.parse(world.receiver.requests[0].body).type).toBe('Message');
        expect(lastSurface()).toMatchObject({ kind: 'update', view: { id: 'livechat-webhook-test.panel' } });
        expect(texts(lastSurface().view)[0]).toMatch(/^ℹ️ ✅ Delivered: Message to /);
    });

    it('shows a bad URL in the form, which stays open, and sends nothing', async () => {
        await openPanel();
        await click('send');
        const response = await world.host.viewSubmit(USERS.admin, lastSurface().view, {
            'send-event': { 'send-event': 'Message' },
            'send-url': { 'send-url': 'ftp://crm.example.com/x' },
        });
        expect(response.success).toBe(false);
        expect((response as any).errors['send-url']).toContain('only http and https');
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('Details opens the delivery detail: headers masked, response, body size, hint', async () => {
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        await openPanel();
        await click('delivery', `details:${id}`);
        const detail = lastSurface();
        expect(detail.view).toMatchObject({ id: 'livechat-webhook-test.detail', type: 'modal', title: { text: `Delivery ${id}` } });
        const shown = texts(detail.view).join('\n');
        expect(shown).toContain('X-RocketChat-Livechat-Token: ***');
        expect(shown).not.toContain('panel-secret-token');
        expect(shown).toContain('*Response headers*');
        expect(shown).toMatch(/Body: \d+ bytes sent\./);
        expect(shown).toContain('Nothing to change');
    });

    it('Send again redelivers and updates the panel; a user without the permission gets the error in the panel, nothing sent', async () => {
        const id = ((await world.testAs(USERS.admin)).content as any).delivery.id;
        await openPanel();
        await click('delivery', `again:${id}`);
        expect(world.receiver.requests).toHaveLength(2);
        expect(texts(lastSurface().view)[0]).toContain(`(redelivery of ${id})`);
        await click('delivery', `again:${id}`, USERS.plain);
        expect(world.receiver.requests).toHaveLength(2);
        expect(texts(lastSurface().view)[0]).toMatch(/^❌ You need the view-livechat-webhooks permission/);
    });

    it('Check receiver runs the check, posts its table privately and updates the panel', async () => {
        await openPanel();
        await click('check');
        // The test receiver does not check the token: the probes find it.
        expect(world.host.notifier.toUsers.map((notification) => String(notification.message.text).split('\n')[0])).toEqual([
            expect.stringMatching(/^⛔ Receiver not ready: 2 errors in 13 steps/),
        ]);
        expect(texts(lastSurface().view)[0]).toBe('ℹ️ Not ready: 2 errors in 13 steps.');
    });

    it('Refresh shows what happened since', async () => {
        await openPanel();
        await world.testAs(USERS.admin);
        await click('refresh');
        expect(lastSurface().kind).toBe('update');
        expect(texts(lastSurface().view)[2]).toMatch(/^\*Last test\*: ✅ delivered/);
    });
});

describe('the room action', () => {
    it('is registered for Omnichannel rooms, for holders of the permission', () => {
        expect(world.host.actionButtons).toEqual([
            {
                actionId: 'livechat-webhook-test.room-action',
                context: 'roomAction',
                labelI18n: 'room_action_label',
                when: { roomTypes: ['livechat'], hasOnePermission: ['view-livechat-webhooks'] },
            },
        ]);
    });

    it('opens the panel with the room preselected in the form, and the test is built from that conversation', async () => {
        const conversation = closedConversation('lc-panel', 2);
        world.host.rooms.addRoom(conversation.room, conversation.messages);
        await world.host.actionButton(USERS.admin, 'livechat-webhook-test.room-action', conversation.room);
        const panel = lastSurface();
        expect(panel.view.id).toBe('livechat-webhook-test.panel');
        const send = (panel.view.blocks as Array<any>).find((block) => block.type === 'actions').elements[0];
        expect(send.value).toBe('lc-panel');
        await world.host.blockAction(USERS.admin, conversation.room, { actionId: send.actionId, value: send.value, container: VIEW });
        const form = lastSurface().view;
        expect(form.blocks[1].element.initialValue).toBe('lc-panel');
        await world.host.viewSubmit(USERS.admin, form, { 'send-event': { 'send-event': 'LivechatSessionTaken' }, 'send-room': { 'send-room': 'lc-panel' } });
        expect(JSON.parse(world.receiver.requests[0].body)).toMatchObject({ _id: 'lc-panel', type: 'LivechatSessionTaken' });
    });

    it("shows that conversation's real traffic: what Rocket.Chat sent the CRM of it, and why the rest did not go", async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        world.host.serverSettings.set('Livechat_webhook_on_start', true);
        world.host.serverSettings.set('Livechat_webhook_on_visitor_message', true);
        const omnichannel = new Omnichannel(world.host);
        await omnichannel.start('lc-panel-traffic');
        await omnichannel.visitorSays('lc-panel-traffic', 'hello');
        await world.host.actionButton(USERS.admin, 'livechat-webhook-test.room-action', omnichannel.room('lc-panel-traffic'));
        const shown = texts(lastSurface().view);
        const section = shown.find((line: string) => line.startsWith('*This conversation*'))!;
        const [summary, ...lines] = section.split('\n');
        expect(summary).toBe(
            '*This conversation*: 1 conversation started, all sent; 1 message, all sent; 1 lead capture, none sent: `Livechat_webhook_on_capture` is off',
        );
        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatch(/^`evt_[0-9a-f]{12}-1` · [\d-]+ [\d:]+Z · LeadCapture · ⛔ not sent: `Livechat_webhook_on_capture`$/);
        expect(shown.find((line: string) => line.startsWith('*Last 24 h*'))).toBe(
            '*Last 24 h*: 1 conversation started, all sent; 1 message, all sent; 1 lead capture, none sent: `Livechat_webhook_on_capture` is off',
        );
    });

    it('reads the traffic journal once to open (its readiness and its traffic line share the read)', async () => {
        world.host.serverSettings.set('Livechat_webhookUrl', world.receiver.url);
        await new Omnichannel(world.host).start('lc-panel-journal');
        const matching = jest.spyOn(world.host.store, 'matching');
        await openPanel();
        const journalReads = matching.mock.calls.filter(([keys]) => keys.length === 1 && JSON.stringify(keys).includes('livechat-webhook-test:journal'));
        expect(journalReads).toHaveLength(1);
        matching.mockRestore();
    });

    it('checks the permission itself: the client only hides the button', async () => {
        await world.host.actionButton(USERS.plain, 'livechat-webhook-test.room-action', GENERAL_ROOM);
        expect(world.host.surfaces).toHaveLength(0);
        expect(world.host.notifier.toUsers[0].message.text).toContain('error-unauthorized');
        expect(credentialsOf(USERS.plain)).toBeDefined();
    });
});
