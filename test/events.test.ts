// Every event type: the payload each one sends, checked field by field against fixtures written
// down from the host's sendToCRM / getLivechatRoomGuestInfo / offline-message hook.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { buildEventSample, EVENT_TYPES, EventType } from '../src/payloads/events';
import { sampleFixture } from './fixtures';
import { credentialsOf, startWorld, USERS, World } from './host/world';

const FIXTURE_NOW = '2026-01-01T12:00:00.000Z';

function eventFixture(event: EventType): any {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'events', `${event}.json`), 'utf8'));
}

/** Every ISO timestamp becomes its distance from `now`, so payloads built at different times compare. */
function relativeTimes(value: unknown, now: number): unknown {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) {
        return `now${(Date.parse(value) - now) / 1000}s`;
    }
    if (Array.isArray(value)) {
        return value.map((item) => relativeTimes(item, now));
    }
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, relativeTimes(item, now)]));
    }
    return value;
}

const ROOM_EVENTS = EVENT_TYPES.filter((event) => event !== 'LivechatSession' && event !== 'LivechatOfflineMessage');

describe('sample payloads of each event type', () => {
    it('lists the nine event types the host sends', () => {
        expect([...EVENT_TYPES].sort()).toEqual(
            [
                'LeadCapture',
                'LivechatEdit',
                'LivechatOfflineMessage',
                'LivechatSession',
                'LivechatSessionForwarded',
                'LivechatSessionQueued',
                'LivechatSessionStart',
                'LivechatSessionTaken',
                'Message',
            ].sort(),
        );
    });

    it("keeps LivechatSession exactly the host's own webhook.test sample", () => {
        expect(buildEventSample('LivechatSession', new Date(FIXTURE_NOW))).toStrictEqual(sampleFixture(FIXTURE_NOW));
    });

    it.each([...ROOM_EVENTS, 'LivechatOfflineMessage' as const])('builds %s as its fixture', (event) => {
        expect(buildEventSample(event, new Date(FIXTURE_NOW))).toStrictEqual(eventFixture(event));
    });

    // The host's getAdditionalFieldsByType and its includeMessages argument, as a table.
    const HOST_RULES: { [event: string]: { extra: Array<string>; messages: 'all' | 'last' | 'none' } } = {
        LivechatSessionStart: { extra: ['departmentId'], messages: 'all' },
        LivechatSessionQueued: { extra: ['departmentId'], messages: 'all' },
        LivechatSessionTaken: { extra: ['departmentId', 'servedBy'], messages: 'all' },
        LivechatSessionForwarded: { extra: ['departmentId', 'servedBy', 'oldDepartmentId', 'oldServedBy'], messages: 'all' },
        LivechatEdit: { extra: [], messages: 'all' },
        Message: { extra: [], messages: 'last' },
        LeadCapture: { extra: [], messages: 'none' },
    };
    const GUEST_INFO = ['_id', 'label', 'topic', 'createdAt', 'lastMessageAt', 'tags', 'customFields', 'visitor'];

    it.each(ROOM_EVENTS)('gives %s the room fields, type, messages and exactly the extra fields the host adds', (event) => {
        const payload = eventFixture(event);
        const rule = HOST_RULES[event];
        const keys = Object.keys(payload).filter((key) => key !== 'agent');
        expect(keys).toEqual([...GUEST_INFO, 'type', 'messages', ...rule.extra]);
        expect(payload.type).toBe(event);
        const expectedCount = { all: event === 'LivechatSessionStart' || event === 'LivechatSessionQueued' ? 1 : 3, last: 1, none: 0 }[rule.messages];
        expect(payload.messages).toHaveLength(expectedCount);
        for (const message of payload.messages) {
            expect(Object.keys(message).filter((key) => key !== 'agentId')).toEqual(['u', '_id', 'username', 'msg', 'ts', 'rid', '_updatedAt']);
            expect('agentId' in message).toBe(message.username !== payload.visitor.username);
        }
        // Real deliveries send the visitor's emails and phones as the host stores them: arrays of objects.
        expect(payload.visitor.email).toEqual([{ address: 'visitor@example.com' }]);
        expect(payload.visitor.phone).toEqual([{ phoneNumber: '+15550100' }]);
    });

    it("shapes the offline message as the host's offline-message hook does: no room, only the form", () => {
        expect(Object.keys(eventFixture('LivechatOfflineMessage'))).toEqual(['type', 'sentAt', 'visitor', 'message']);
    });
});

describe('choosing the event', () => {
    let world: World;

    beforeEach(async () => {
        world = await startWorld(LivechatWebhookTestApp);
        // Slash commands and buttons carry no credentials: they decide with the table an API call stored.
        await world.primePermissionTable();
    });

    afterEach(async () => {
        await world.close();
    });

    const testEvent = (content: unknown) => world.host.post('webhook.test', { user: USERS.admin, headers: credentialsOf(USERS.admin), content });

    it.each([...ROOM_EVENTS])('sends %s as its fixture when asked for it', async (event) => {
        const response = await testEvent({ event });
        expect(response.status).toBe(200);
        expect((response.content as any).delivery.event).toBe(event);
        const received = JSON.parse(world.receiver.requests[0].body);
        const receivedNow = Date.parse(received.createdAt) + 12 * 60 * 1000;
        expect(relativeTimes(received, receivedNow)).toEqual(relativeTimes(eventFixture(event), Date.parse(FIXTURE_NOW)));
    });

    it('sends the offline message as its fixture', async () => {
        await testEvent({ event: 'LivechatOfflineMessage' });
        const received = JSON.parse(world.receiver.requests[0].body);
        expect(relativeTimes(received, Date.parse(received.sentAt))).toEqual(relativeTimes(eventFixture('LivechatOfflineMessage'), Date.parse(FIXTURE_NOW)));
    });

    it('accepts event names in any letter case', async () => {
        const response = await testEvent({ event: 'leadcapture' });
        expect(response.status).toBe(200);
        expect(JSON.parse(world.receiver.requests[0].body).type).toBe('LeadCapture');
    });

    it.each([['NoSuchEvent'], [42], [['Message']]])('answers 400 error-invalid-event listing the valid ones for %j, sending nothing', async (event) => {
        const response = await testEvent({ event });
        expect(response.status).toBe(400);
        expect(response.content).toMatchObject({ success: false, error: 'error-invalid-event' });
        for (const valid of EVENT_TYPES) {
            expect((response.content as any).reason).toContain(valid);
        }
        expect(world.receiver.requests).toHaveLength(0);
    });

    it("takes the event from the slash command's first argument", async () => {
        await world.host.runCommand('livechat-webhook-test', USERS.admin, ['LivechatSessionTaken']);
        expect(JSON.parse(world.receiver.requests[0].body).type).toBe('LivechatSessionTaken');
        expect(world.host.notifier.toUsers[0].message.text).toContain('LivechatSessionTaken');
    });

    it('lists every event with its description and an example on GET webhook.events', async () => {
        const response = await world.host.get('webhook.events', { user: USERS.admin, headers: credentialsOf(USERS.admin) });
        expect(response.status).toBe(200);
        const { events } = response.content as any;
        expect(events.map((entry: any) => entry.event)).toEqual([...EVENT_TYPES]);
        for (const entry of events) {
            expect(entry.example.type).toBe(entry.event);
            expect(entry.description.length).toBeGreaterThan(10);
        }
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('refuses webhook.events to a user without the permission, and to no user', async () => {
        const plain = await world.host.get('webhook.events', { user: USERS.plain, headers: credentialsOf(USERS.plain) });
        expect(plain.status).toBe(403);
        const anonymous = await world.host.get('webhook.events');
        expect(anonymous.status).toBe(401);
    });
});
