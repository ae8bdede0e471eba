// The documentation against the code: README's settings and permission tables are the app's, docs/api.md
// names every endpoint and every error code with the status the code answers it with, Install and
// First test sit at README's top, and no relative link in README.md or docs/*.md is broken.
import { describe, expect, it } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';

import { ROUTES } from '../src/endpoints/endpoints';
import { SETTINGS } from '../src/settings/definitions';
import { listTs } from './host/files';

const ROOT = path.resolve(__dirname, '..');
const DOCS_DIR = path.join(ROOT, 'docs');
/** Written by the bench scripts, not by hand: not held to the hand-written files' rules. */
const GENERATED = ['benchmark.md'];

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const docsFiles = () =>
    fs
        .readdirSync(DOCS_DIR)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => `docs/${name}`);

/** The lines outside fenced code blocks (``` … ```), each with its 1-based line number. */
function proseLines(text: string): Array<{ line: string; number: number }> {
    let fenced = false;
    const lines: Array<{ line: string; number: number }> = [];
    text.split('\n').forEach((line, index) => {
        if (/^\s*```/.test(line)) {
            fenced = !fenced;
        } else if (!fenced) {
            lines.push({ line, number: index + 1 });
        }
    });
    return lines;
}

/** A Markdown table row's cells, trimmed; undefined for a line that is not a row. */
function cells(line: string): Array<string> | undefined {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|') || !trimmed.endsWith('|')) {
        return undefined;
    }
    return trimmed
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim());
}

const isSeparator = (row: Array<string>) => row.every((cell) => /^:?-+:?$/.test(cell));

/** The lines of a `## ` section, up to the next `## ` heading. */
function section(text: string, heading: string): Array<string> {
    const lines = proseLines(text).map((entry) => entry.line);
    const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
    if (start < 0) {
        return [];
    }
    const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
    return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .replace(/\s/g, '-');
}

function anchorsOf(text: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const { line } of proseLines(text)) {
        const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
        if (!heading) {
            continue;
        }
        const base = slug(heading[1]);
        const count = seen.get(base) || 0;
        seen.set(base, count + 1);
        anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    return anchors;
}

/** Every link and image target in the prose (code spans and fenced blocks left out). */
function linksOf(text: string): Array<{ target: string; line: number }> {
    const links: Array<{ target: string; line: number }> = [];
    for (const { line, number } of proseLines(text)) {
        const prose = line.replace(/`[^`]*`/g, '');
        for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
            links.push({ target: match[1], line: number });
        }
    }
    return links;
}

describe("README's settings table", () => {
    const readme = read('README.md');

    /** The table's rows as { id, default } by its "Id" and "Default" columns. */
    function settingsRows(): Array<{ id: string; shownDefault: string }> {
        const rows = section(readme, 'Settings')
            .map(cells)
            .filter((row): row is Array<string> => row !== undefined);
        const [header, ...rest] = rows;
        expect(header).toBeDefined();
        const idColumn = header.indexOf('Id');
        const defaultColumn = header.indexOf('Default');
        expect({ idColumn: idColumn >= 0, defaultColumn: defaultColumn >= 0 }).toEqual({ idColumn: true, defaultColumn: true });
        return rest.filter((row) => !isSeparator(row)).map((row) => ({ id: row[idColumn].replace(/^`|`$/g, ''), shownDefault: row[defaultColumn] }));
    }

    /** How the table shows a default: "empty" for an empty string, else the value as code. */
    const shown = (value: unknown) => (value === '' ? 'empty' : `\`${String(value)}\``);

    it('lists exactly the settings of src/settings/definitions.ts, each once', () => {
        const listed = settingsRows().map((row) => row.id);
        const declared = SETTINGS.map((setting) => setting.id);
        const missing = declared.filter((id) => !listed.includes(id));
        const extra = listed.filter((id) => !declared.includes(id));
        const twice = listed.filter((id, index) => listed.indexOf(id) !== index);
        expect({ missing, extra, twice }).toEqual({ missing: [], extra: [], twice: [] });
    });

    it('shows each default value as the definitions declare it', () => {
        const rows = new Map(settingsRows().map((row) => [row.id, row.shownDefault]));
        const wrong = SETTINGS.filter((setting) => rows.has(setting.id) && rows.get(setting.id) !== shown(setting.packageValue)).map(
            (setting) => `${setting.id}: shows ${rows.get(setting.id)}, declared ${shown(setting.packageValue)}`,
        );
        expect(wrong).toEqual([]);
    });
});

describe("README's permission table", () => {
    it('lists exactly the permissions app.json asks for, each once: what Rocket.Chat shows when it installs the zip', () => {
        const rows = section(read('README.md'), 'Install')
            .map(cells)
            .filter((row): row is Array<string> => row !== undefined && !isSeparator(row));
        const [header, ...rest] = rows;
        expect(header && header[0]).toBe('Permission');
        // A row may name several (`room.read`, `user.read`).
        const listed = rest.flatMap((row) => (row[0].match(/`[^`]+`/g) || [row[0]]).map((name) => name.replace(/`/g, '')));
        const declared = (JSON.parse(read('app.json')).permissions as Array<{ name: string }>).map((permission) => permission.name);
        const missing = declared.filter((name) => !listed.includes(name));
        const extra = listed.filter((name) => !declared.includes(name));
        const twice = listed.filter((name, index) => listed.indexOf(name) !== index);
        expect({ missing, extra, twice }).toEqual({ missing: [], extra: [], twice: [] });
    });
});

describe('docs/api.md', () => {
    const api = read('docs/api.md');
    const rows = proseLines(api)
        .map((entry) => cells(entry.line))
        .filter((row): row is Array<string> => row !== undefined && !isSeparator(row));
    /** Whether a table row holds the code (as code) and the status (a cell of its own). */
    const listedWith = (code: string, status?: string) =>
        rows.some(
            (row) =>
                row.some((cell) => cell.includes(`\`${code}\``)) && (status === undefined ? row.some((cell) => /^\d{3}$/.test(cell)) : row.includes(status)),
        );

    it('has a section for every endpoint of ROUTES, with its method', () => {
        const headings = proseLines(api).map((entry) => entry.line.trim());
        const missing = ROUTES.map((route) => `### ${route.method.toUpperCase()} ${route.path}`).filter((heading) => !headings.includes(heading));
        expect(missing).toEqual([]);
    });

    it("lists every failure(<status>, '<code>') of src/ in a table row with that status", () => {
        const pairs = new Set<string>();
        for (const file of listTs(path.join(ROOT, 'src'))) {
            for (const match of fs.readFileSync(file, 'utf8').matchAll(/failure\(\s*(\d{3})\s*,\s*'([^']+)'/g)) {
                pairs.add(`${match[1]} ${match[2]}`);
            }
        }
        // The scan itself works: the gate's 401, 403, 429 and 500 are written this way.
        expect(pairs.size).toBeGreaterThanOrEqual(10);
        const missing = [...pairs].filter((pair) => {
            const [status, code] = pair.split(' ');
            return !listedWith(code, status);
        });
        expect(missing).toEqual([]);
    });

    it('lists every code of the ErrorCode union with an HTTP status', () => {
        const answers = read('src/gate/answers.ts');
        const union = /export type ErrorCode =([^;]+);/.exec(answers);
        expect(union).not.toBeNull();
        const codes = [...union![1].matchAll(/'([^']+)'/g)].map((match) => match[1]);
        expect(codes.length).toBeGreaterThanOrEqual(10);
        expect(codes.filter((code) => !listedWith(code))).toEqual([]);
    });
});

describe('README.md', () => {
    const lines = read('README.md').split('\n');
    const lineOf = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line)) + 1;

    it('starts "## Install" and the first-test heading within its first 60 lines', () => {
        // The line each starts on (0: missing), or "top" when it is within the first 60.
        const placed = (line: number) => (line >= 1 && line <= 60 ? 'top' : line);
        expect({ install: placed(lineOf(/^## Install\s*$/)), firstTest: placed(lineOf(/^## First test\b/)) }).toEqual({ install: 'top', firstTest: 'top' });
    });

    it('links to every hand-written file in docs/', () => {
        const linked = new Set(linksOf(read('README.md')).map((link) => path.normalize(link.target.split('#')[0])));
        const unlinked = docsFiles().filter((file) => !GENERATED.includes(path.basename(file)) && !linked.has(path.normalize(file)));
        expect(unlinked).toEqual([]);
    });
});

describe('README.md and docs/*.md', () => {
    it('every relative link points to a file that exists (and a heading there, when it names one)', () => {
        const broken: Array<string> = [];
        for (const file of ['README.md', ...docsFiles()]) {
            for (const { target, line } of linksOf(read(file))) {
                if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
                    continue;
                }
                const [pathPart, anchor] = target.split('#');
                const resolved = pathPart ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(pathPart)) : path.join(ROOT, file);
                if (!fs.existsSync(resolved)) {
                    broken.push(`${file}:${line}: ${target} (no such file)`);
                } else if (anchor && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
                    broken.push(`${file}:${line}: ${target} (no such heading)`);
                }
            }
        }
        expect(broken).toEqual([]);
    });

    it('each hand-written docs file says first who it is for', () => {
        const unsaid = docsFiles()
            .filter((file) => !GENERATED.includes(path.basename(file)))
            .filter((file) => {
                const prose = read(file)
                    .split('\n')
                    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
                return !/^For /.test(prose[0] || '');
            });
        expect(unsaid).toEqual([]);
    });
});
