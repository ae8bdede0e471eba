// Deno for the engine's runtime: the binary from the `deno` npm package, behind a small wrapper put
// first on PATH (the engine spawns a bare `deno` and passes the child only PATH and DENO_DIR), which
// adds what this machine needs: no config file lookup, the system CA store, and an import map that
// points the runtime's imports at installed files (deno.land is not reachable from here).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { ROOT } from '../host/localHost';

export const ENGINE_DIR = path.dirname(require.resolve('apps-engine-runtime/package.json'));
export const RUNTIME_DIR = path.join(ROOT, 'build', 'runtime');
export const DENO_DIR = path.join(ENGINE_DIR, '.deno-cache');
const WRITE_ALL_URL = 'https://deno.land/std@0.216.0/io/write_all.ts';
const WARMED_MARKER = path.join(DENO_DIR, '.livechat-webhook-test-warmed');

export function denoBinary(): string {
    const candidates = [
        path.join(path.dirname(require.resolve('deno/package.json')), process.platform === 'win32' ? 'deno.exe' : 'deno'),
        path.join(ROOT, 'node_modules', '@deno', `${process.platform}-${process.arch === 'x64' ? 'x64' : 'arm64'}-glibc`, 'deno'),
    ];
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (!found) {
        throw new Error(`No Deno binary in ${candidates.join(' or ')}: run npm ci (the deno package's postinstall puts it there).`);
    }
    return found;
}

/** Writes the wrapper, the import map and the writeAll shim under build/runtime; returns the wrapper's folder. */
export function prepareDeno(): string {
    const binDir = path.join(RUNTIME_DIR, 'bin');
    fs.mkdirSync(binDir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(ENGINE_DIR, 'deno-runtime', 'deno.jsonc'), 'utf8'));
    const imports: { [name: string]: string } = { ...config.imports };
    // deno-runtime/lib/require.ts strips the first "src/" of a resolved path to find the engine's compiled files.
    imports['@rocket.chat/apps-engine/'] = `file://${path.join(ENGINE_DIR, 'src')}/`;
    const shim = path.join(RUNTIME_DIR, 'write_all.ts');
    fs.copyFileSync(path.join(__dirname, 'write_all.ts'), shim);
    imports[WRITE_ALL_URL] = `file://${shim}`;
    const importMap = path.join(RUNTIME_DIR, 'import_map.json');
    fs.writeFileSync(importMap, JSON.stringify({ imports }, null, 2));
    const wrapper = path.join(binDir, 'deno');
    fs.writeFileSync(
        wrapper,
        [
            '#!/bin/sh',
            `REAL='${denoBinary()}'`,
            'export DENO_NO_PACKAGE_JSON=1 DENO_TLS_CA_STORE=system',
            'if [ "$1" = "run" ] || [ "$1" = "cache" ]; then',
            '  cmd=$1; shift',
            `  exec "$REAL" "$cmd" --no-config --import-map='${importMap}' "$@"`,
            'fi',
            'exec "$REAL" "$@"',
            '',
        ].join('\n'),
        { mode: 0o755 },
    );
    return binDir;
}

/** Puts the wrapper first on PATH for the engine's subprocesses; warms the cache first if it never was. */
export function useDeno(): void {
    if (!fs.existsSync(WARMED_MARKER)) {
        warmDenoCache();
    }
    const binDir = prepareDeno();
    if (!(process.env.PATH || '').split(path.delimiter).includes(binDir)) {
        process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH || ''}`;
    }
    process.env.DENO_DIR = DENO_DIR;
}

/** Fetches the runtime's npm dependencies into DENO_DIR once, so later runs need no network. */
export function warmDenoCache(): void {
    const binDir = prepareDeno();
    execFileSync(path.join(binDir, 'deno'), ['cache', path.join(ENGINE_DIR, 'deno-runtime', 'main.ts')], {
        env: { ...process.env, DENO_DIR },
        stdio: ['ignore', 'ignore', 'inherit'],
    });
    fs.writeFileSync(WARMED_MARKER, new Date().toISOString());
}
