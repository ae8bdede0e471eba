// What both benchmarks print, and docs/benchmark.md: each run rewrites its own section of that file
// with its figures, the date and the machine, so the figures there are never typed by hand.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ROOT } from '../test/host/localHost';

export const BENCHMARK_DOC = path.join(ROOT, 'docs', 'benchmark.md');

interface Target {
    name: string;
    value: string;
    target: string;
    met: boolean;
}

/** One benchmark's run: figures against targets, and the other figures it prints. */
export class BenchRun {
    private readonly targets: Array<Target> = [];
    private readonly notes: Array<string> = [];

    constructor(
        private readonly section: 'local' | 'runtime',
        private readonly title: string,
        private readonly command: string,
    ) {
        console.log(`${title}: node ${process.version}, ${machine()}\n`);
    }

    public report(name: string, value: string, target: string, met: boolean): void {
        this.targets.push({ name, value, target, met });
        console.log(`${met ? 'met ' : 'MISS'}  ${name}: ${value} (target ${target})`);
    }

    /** A figure without a target (printed, and listed under the targets in the document). */
    public log(text: string): void {
        console.log(text);
        const line = text.trim();
        if (line) {
            this.notes.push(line);
        }
    }

    /** Prints the tally and rewrites this benchmark's section of docs/benchmark.md. */
    public finish(): void {
        const missed = this.targets.filter((line) => !line.met).length;
        console.log(`\n${this.targets.length - missed} of ${this.targets.length} targets met.`);
        const existing = fs.existsSync(BENCHMARK_DOC) ? fs.readFileSync(BENCHMARK_DOC, 'utf8') : '';
        fs.writeFileSync(BENCHMARK_DOC, withSection(existing, this.section, this.markdown(missed)));
        console.log(`Written to ${path.relative(ROOT, BENCHMARK_DOC)} (section: ${this.section}).`);
    }

    private markdown(missed: number): string {
        const cell = (text: string) => text.replace(/\|/g, '\\|');
        return [
            `## ${this.title}`,
            '',
            `\`${this.command}\`, run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, node ${process.version}.`,
            `${this.targets.length - missed} of ${this.targets.length} targets met.`,
            '',
            '| Figure | Measured | Target | |',
            '| --- | --- | --- | --- |',
            ...this.targets.map((line) => `| ${cell(line.name)} | ${cell(line.value)} | ${cell(line.target)} | ${line.met ? 'met' : '**missed**'} |`),
            '',
            ...(this.notes.length ? ['Other figures of the same run:', '', ...this.notes.map((note) => `- ${note}`), ''] : []),
        ].join('\n');
    }
}

function machine(): string {
    const cpus = os.cpus();
    return `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()}/${os.arch()}`;
}

const HEADER = [
    '# Benchmark figures',
    '',
    'For contributors. Written by `npm run bench` (the app in the local host) and `npm run bench:runtime`',
    '(the packaged app in the real Apps-Engine runtime); each run replaces its own section. Timings depend',
    'on the machine and its load: compare ratios and counts, not milliseconds, between machines. What',
    'each figure measures is in [contributing.md](contributing.md#benchmarks).',
    '',
].join('\n');

/** The document with `section` replaced (or added), the other section kept as it was. */
export function withSection(existing: string, section: string, body: string): string {
    const start = `<!-- bench:${section}:start -->`;
    const end = `<!-- bench:${section}:end -->`;
    const block = `${start}\n${body.trimEnd()}\n${end}`;
    const document = existing.startsWith('# Benchmark figures') ? existing : HEADER;
    const from = document.indexOf(start);
    const to = document.indexOf(end);
    if (from !== -1 && to > from) {
        return `${document.slice(0, from)}${block}${document.slice(to + end.length)}`;
    }
    // The local figures first, then the runtime's.
    if (section === 'local') {
        const runtime = document.indexOf('<!-- bench:runtime:start -->');
        if (runtime !== -1) {
            return `${document.slice(0, runtime)}${block}\n\n${document.slice(runtime)}`;
        }
    }
    return `${document.trimEnd()}\n\n${block}\n`;
}
