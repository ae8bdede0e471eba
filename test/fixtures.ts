import { expect } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';

/** The host's webhook.test sample, written down from Rocket.Chat's source, with `<now>` for the send time. */
export function sampleFixture(now: string): unknown {
    const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'livechat-session-sample.json'), 'utf8');
    return JSON.parse(text.split('"<now>"').join(JSON.stringify(now)));
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks a received body against the fixture; every timestamp must be the same ISO time within `[from, to]`. */
export function expectSample(body: string, from: number, to: number): void {
    const received = JSON.parse(body);
    const now = received.createdAt;
    if (typeof now !== 'string' || !ISO_8601.test(now)) {
        throw new Error(`createdAt is not an ISO-8601 timestamp: ${now}`);
    }
    const at = Date.parse(now);
    if (at < from - 1 || at > to + 1) {
        throw new Error(`createdAt ${now} is not the send time (${new Date(from).toISOString()} .. ${new Date(to).toISOString()})`);
    }
    expect(received).toStrictEqual(sampleFixture(now));
}
