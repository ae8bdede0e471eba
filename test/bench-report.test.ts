// docs/benchmark.md is written by the benchmarks: each run replaces its own section and keeps the other.
import { describe, expect, it } from '@jest/globals';

import { withSection } from '../scripts/benchReport';

describe('the benchmark document', () => {
    it('starts with its header, keeps each section in its place, and replaces only the section of the run', () => {
        const first = withSection('', 'runtime', '## runtime\nA');
        expect(first).toMatch(/^# Benchmark figures\n/);
        expect(first).toContain('<!-- bench:runtime:start -->\n## runtime\nA\n<!-- bench:runtime:end -->');
        const both = withSection(first, 'local', '## local\nB');
        expect(both.indexOf('## local')).toBeLessThan(both.indexOf('## runtime'));
        const again = withSection(both, 'runtime', '## runtime\nC');
        expect(again).toContain('## local\nB');
        expect(again).toContain('## runtime\nC');
        expect(again).not.toContain('## runtime\nA');
        expect(withSection(again, 'local', '## local\nD').match(/bench:local:start/g)).toHaveLength(1);
    });
});
