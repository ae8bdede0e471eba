// The panel as a hostile or unlucky user meets it: a slow receiver (Rocket.Chat's client drops a view
// whose triggerId is over 5 s old, and sends a form's submit without a room), forged clicks and form
// states, a user without the permission, the room action on a channel, a receiver check's entry.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { SHORT_BUDGETS, withBudgets } from './host/budgets';
import { GENERAL_ROOM } from './host/localHost';
import { startWorld, USERS, World } from './host/world';

let world: World;

// The panel answers within 3 s (300 ms here, host/budgets.ts); npm run e2e keeps the real budget.
const SLOW = 1000;

beforeEach(async () => {
    world = await startWorld(withBudgets(LivechatWebhookTestApp, SHORT_BUDGETS));
    world.host.settings.set('tests_per_minute', 0);
    world.host.settings.set('webhook_secret_token', 'edge-secret-token');
    world.host.settings.set('webhook_timeout_ms', 15000);
    world.host.rooms.addRoom(GENERAL_ROOM);
    await world.primePermissionTable();
});

afterEach(async () => {
    await world.close();
});

const VIEW = { type: 'view' as any, id: 'livechat-webhook-test.panel' };
const FORM_VIEW = { id: 'livechat-webhook-test.send-form' };
const lastSurface = () => world.host.surfaces[world.host.surfaces.length - 1];
const firstLine = () => lastSurface().view.blocks[0].text.text as string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const click = (actionId: string, value?: unknown, room: typeof GENERAL_ROOM | undefined = GENERAL_ROOM, user = USERS.admin) =>
    world.host.blockAction(user, room, { actionId: `livechat-webhook-test.panel.${actionId}`, value: value as string, container: VIEW });
const submit = (state: object, user = USERS.admin) => world.host.viewSubmit(user, FORM_VIEW, state) as Promise<any>;
const openPanel = () => world.host.runCommand('livechat-webhook-test', USERS.admin, ['panel']);

async function until(condition: () => boolean, ms = 15000): Promise<void> {
    const end = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > end) {
            throw new Error('condition not met in time');
        }
        await sleep(50);
    }
}

describe('a slow receiver', () => {
    it('the form answers within one budget; the outcome arrives privately in the room the panel was opened in (the submit carries none)', async () => {
        await openPanel();
        world.receiver.behave({ delayMs: SLOW });
        const response = await submit({ 'send-event': { 'send-event': 'Message' } });
        expect(response.success).toBe(true);
        expect(world.host.droppedSurfaces).toEqual([]);
        expect(firstLine()).toBe('ℹ️ Still waiting for the receiver… the outcome will be posted to you in this room.');
        expect(world.host.logger.text()).toMatch(/Webhook test by admin\.user \(admin\.user-id\) from the panel: still running after 300 ms/);
        await until(() => world.host.notifier.toUsers.length === 1);
        const posted = world.host.notifier.toUsers[0];
        expect(posted.to.id).toBe(USERS.admin.id);
        expect(posted.message.room!.id).toBe(GENERAL_ROOM.id);
        expect(String(posted.message.text)).toMatch(/^✅ Delivered: Message to /);
    });

    it('a check clicked without a room posts its table in the remembered room; never the secret token', async () => {
        await openPanel();
        world.receiver.behave({ delayMs: 100 });
        await click('check', 'check', undefined);
        expect(world.host.droppedSurfaces).toEqual([]);
        expect(firstLine()).toBe('ℹ️ Checking the receiver… the table will be posted to you in this room.');
        await until(() => world.host.notifier.toUsers.length === 1, 30000);
        expect(world.host.notifier.toUsers[0].message.room!.id).toBe(GENERAL_ROOM.id);
        expect(JSON.stringify([world.host.surfaces, world.host.notifier.toUsers])).not.toContain('edge-secret-token');
    });

    it('with no room known, says to click Refresh, and the outcome is in the list', async () => {
        world.receiver.behave({ delayMs: SLOW });
        await submit({ 'send-event': { 'send-event': 'Message' } });
        expect(firstLine()).toBe('ℹ️ Still waiting for the receiver… click Refresh to see the outcome in the list.');
        await until(() => world.receiver.requests.length === 1);
        await sleep(SLOW + 200);
        await click('refresh', 'refresh');
        expect(JSON.stringify(lastSurface().view.blocks)).toMatch(/✅ \*Message\* · 200/);
        expect(world.host.notifier.toUsers).toHaveLength(0);
    });

    it('a late reply that cannot be posted is no unhandled rejection', async () => {
        const unhandled: Array<unknown> = [];
        const record = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', record);
        try {
            await openPanel();
            world.receiver.behave({ delayMs: SLOW });
            await submit({ 'send-event': { 'send-event': 'Message' } });
            (world.host.notifier.toUsers as any).push = () => {
                throw new Error('notifyUser failed');
            };
            await sleep(SLOW + 200);
        } finally {
            process.off('unhandledRejection', record);
        }
        expect(world.receiver.requests).toHaveLength(1);
        expect(unhandled).toEqual([]);
    });
});

describe('a slow fault of the host', () => {
    it('a check that fails after the budget is posted as a failure, as its table would have been', async () => {
        await openPanel();
        world.host.settings.set('webhook_timeout_ms', 14000); // the app's settings cache is emptied: the next read goes to the store
        world.host.settings.getValueById = async () => {
            await sleep(SLOW);
            throw new Error('settings store unavailable');
        };
        await click('check', 'check', undefined);
        await until(() => world.host.notifier.toUsers.length === 1);
        expect(world.host.notifier.toUsers[0].message.room!.id).toBe(GENERAL_ROOM.id);
        expect(String(world.host.notifier.toUsers[0].message.text)).toMatch(/^❌ .*\(error-internal\)$/);
    });

    it('a room that cannot be read for a late outcome makes the panel say Refresh, never a failed submit', async () => {
        await openPanel();
        const reader = world.host.rooms.roomReader.bind(world.host.rooms);
        (world.host.rooms as any).roomReader = () => ({
            ...reader(),
            getById: async () => {
                throw new Error('room bridge down');
            },
        });
        world.receiver.behave({ delayMs: SLOW });
        const response = await submit({ 'send-event': { 'send-event': 'Message' } });
        expect(response.success).toBe(true);
        expect(firstLine()).toBe('ℹ️ Still waiting for the receiver… click Refresh to see the outcome in the list.');
    });

    it('the room action on a channel remembers that room for a late outcome', async () => {
        const other = { ...GENERAL_ROOM, id: 'OTHER', slugifiedName: 'other' };
        world.host.rooms.addRoom(other);
        await openPanel();
        await world.host.actionButton(USERS.admin, 'livechat-webhook-test.room-action', other);
        world.receiver.behave({ delayMs: SLOW });
        await submit({ 'send-event': { 'send-event': 'Message' } });
        await until(() => world.host.notifier.toUsers.length === 1);
        expect(world.host.notifier.toUsers[0].message.room!.id).toBe('OTHER');
    });
});

describe('forged clicks', () => {
    it('a value that is not a string is ignored, never a crash', async () => {
        await openPanel();
        for (const value of [42, ['x'], { id: 1 }, null]) {
            await expect(click('refresh', value)).resolves.toMatchObject({ success: true });
            await expect(click('delivery', value)).resolves.toMatchObject({ success: true });
            expect(firstLine()).toBe('❌ That menu entry names no delivery: click Refresh.');
        }
    });

    it('a menu entry without an id, or an unknown verb, says so', async () => {
        await world.testAs(USERS.admin);
        for (const value of ['details:', 'details', 'again:', 'delete:dlv_0123456789ab']) {
            await click('delivery', value);
            expect(firstLine()).toBe('❌ That menu entry names no delivery: click Refresh.');
        }
        expect(world.receiver.requests).toHaveLength(1);
    });

    it('a submit without a view, or of another view, is acknowledged and does nothing', async () => {
        await expect(world.host.viewSubmit(USERS.admin, undefined, {})).resolves.toMatchObject({ success: true });
        await expect(world.host.viewSubmit(USERS.admin, { id: 'someone-else.form' }, { 'send-event': { 'send-event': 'Message' } })).resolves.toMatchObject({
            success: true,
        });
        expect(world.receiver.requests).toHaveLength(0);
    });
});

describe('the form', () => {
    it('refuses a value that is not text under its field, and sends nothing', async () => {
        const cases: Array<[object, string]> = [
            [{ 'send-event': { 'send-event': 'Message' }, 'send-url': { 'send-url': ['https://crm.example.com/x'] } }, 'send-url'],
            [{ 'send-event': { 'send-event': 42 } }, 'send-event'],
            [{ 'send-event': { 'send-event': { type: 'Message' } } }, 'send-event'],
            [{ 'send-event': { 'send-event': 'Message' }, 'send-room': { 'send-room': 42 } }, 'send-room'],
        ];
        for (const [state, field] of cases) {
            const response = await submit(state);
            expect(response.success).toBe(false);
            expect(Object.keys(response.errors)).toEqual([field]);
        }
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('puts an unknown room and one that is not a conversation under the room field; the form stays open', async () => {
        const unknown = await submit({ 'send-event': { 'send-event': 'Message' }, 'send-room': { 'send-room': 'typo-room' } });
        expect(unknown.errors).toEqual({ 'send-room': expect.stringMatching(/^No Omnichannel conversation with that id that you may see/) });
        const channel = await submit({ 'send-event': { 'send-event': 'Message' }, 'send-room': { 'send-room': GENERAL_ROOM.id } });
        expect(Object.keys(channel.errors)).toEqual(['send-room']);
        expect(channel.errors['send-room']).toBe(unknown.errors['send-room']);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('puts an oversized URL or room id under its own field', async () => {
        const url = await submit({
            'send-event': { 'send-event': 'Message' },
            'send-url': { 'send-url': `https://crm.example.com/${'a'.repeat(100 * 1024)}` },
        });
        expect(Object.keys(url.errors)).toEqual(['send-url']);
        const room = await submit({ 'send-event': { 'send-event': 'Message' }, 'send-room': { 'send-room': 'r'.repeat(100 * 1024) } });
        expect(Object.keys(room.errors)).toEqual(['send-room']);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it.each([
        ['no state at all', undefined],
        ['a state that is not an object', 'send'],
        ['an empty state (the event select always holds one)', {}],
        ['an input the form does not have', { 'send-event': { 'send-event': 'Message' }, 'send-URL': { 'send-URL': 'http://127.0.0.1:9/x' } }],
        ['a second value inside an input', { 'send-event': { 'send-event': 'Message', 'url': 'http://127.0.0.1:9/x' } }],
    ])('refuses a forged submit with %s under the event field, sending nothing', async (_name, state) => {
        const response = await submit(state as object);
        expect(response.success).toBe(false);
        expect(Object.keys(response.errors)).toEqual(['send-event']);
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('treats an input of spaces as empty: the saved URL, as the form leaves it', async () => {
        const response = await submit({ 'send-event': { 'send-event': 'Message' }, 'send-url': { 'send-url': '   ' } });
        expect(response.success).toBe(true);
        expect(world.receiver.requests).toHaveLength(1);
    });
});

describe('who sees what', () => {
    it('a user without the permission sees the reason and Refresh, no facts and no other button', async () => {
        await world.testAs(USERS.admin);
        await world.host.blockAction(USERS.plain, GENERAL_ROOM, { actionId: 'livechat-webhook-test.panel.refresh', value: 'refresh', container: VIEW });
        const view = lastSurface().view;
        expect(view.blocks).toHaveLength(2);
        expect(view.blocks[0].text.text).toMatch(/^❌ .*\(error-unauthorized\)$/);
        expect(view.blocks[1].elements.map((element: any) => element.text.text)).toEqual(['Refresh']);
    });

    it('the room action on a channel opens the panel as it is, saying the room is not a conversation', async () => {
        await world.host.actionButton(USERS.admin, 'livechat-webhook-test.room-action', GENERAL_ROOM);
        const view = lastSurface().view;
        expect(view.blocks[0].text.text).toBe('❌ This room is not an Omnichannel conversation: the test sends a sample.');
        expect(view.blocks.find((block: any) => block.type === 'actions').elements[0].value).toBe('');
    });

    it("a receiver check's entry shows its table in Details and cannot be sent again", async () => {
        await openPanel();
        await click('check', 'check');
        const checkRow = lastSurface().view.blocks.find((block: any) => block.accessory && /Receiver check/.test(block.text.text));
        expect(checkRow.accessory.options.map((option: any) => option.text.text)).toEqual(['Details']);
        const id = checkRow.accessory.options[0].value.split(':')[1];
        await click('delivery', `details:${id}`);
        expect(lastSurface().view.title.text).toBe(`Receiver check ${id}`);
        expect(lastSurface().view.blocks[0].text.text).toMatch(/^\*(✅ Receiver ready|⛔ Receiver not ready): .* in \d+ steps|^\*✅ Receiver ready: \d+ steps/);
        expect(lastSurface().view.blocks[1].text.text).toMatch(/^✅ LivechatSession · 200 · \d+ ms/);
        const sent = world.receiver.requests.length;
        await click('delivery', `again:${id}`);
        expect(firstLine()).toBe(`❌ "${id}" is a receiver check, not a delivery: run the check again instead. (error-not-redeliverable)`);
        expect(world.receiver.requests).toHaveLength(sent);
    });
});
