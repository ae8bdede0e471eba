import { describe, expect, it } from '@jest/globals';

import { buildSamplePayload } from '../src/payloads/hostSample';
import { sampleFixture } from './fixtures';

describe('buildSamplePayload', () => {
    it('is exactly the host sample, with the send time as ISO-8601 in all four timestamps', () => {
        const now = new Date('2026-11-24T10:20:30.456Z');
        const payload = JSON.parse(JSON.stringify(buildSamplePayload(now)));
        expect(payload).toStrictEqual(sampleFixture('2026-11-24T10:20:30.456Z'));
    });

    it('keeps the host key order on the wire', () => {
        const body = JSON.stringify(buildSamplePayload(new Date(0)));
        expect(Object.keys(JSON.parse(body))).toEqual(Object.keys(sampleFixture('x') as object));
        expect(body.startsWith('{"type":"LivechatSession","_id":"fasd6f5a4sd6f8a4sdf"')).toBe(true);
    });

    it('builds a fresh object each time', () => {
        const a = buildSamplePayload(new Date(0));
        a.tags.push('mutated');
        expect(buildSamplePayload(new Date(0)).tags).toEqual(['tag1', 'tag2', 'tag3']);
    });
});
