// Deno for an engine's runtime: the binary of the Deno version that engine expects (an npm alias of the
// `deno` package, see engines.ts), behind a small wrapper put first on PATH (the engine spawns a bare
// `deno` and passes the child only PATH and DENO_DIR), which adds what this machine needs: no
// package.json lookup, the system CA store, the engine's own deno.lock (so npm packages resolve to the
// versions Rocket.Chat ships), its own cache, and imports pointed at installed files instead of
// deno.land and jsr.io (not reachable from here). Everything it writes lives in build/runtime/<version>/.
//
// - 1.58.1 and 1.59.0 (Deno 1.x) run `deno run --cached-only ... <engine>/deno-runtime/main.ts`; the
//   wrapper adds `--no-config --lock=... --import-map=...` (the import map: deno.jsonc's imports, the
//   engine's `src/` path, and deno.land's `std/io/write_all.ts` pointed at ./write_all.ts).
// - 1.62.0 (Deno 2.x) runs main.ts from a link under AppManager's tempFilePath with
//   `--config=<engine>/deno-runtime/deno.jsonc`; the wrapper swaps that config for a copy whose imports
//   point `@std/io` and `@std/streams` at ./std_io.ts and ./std_streams.ts and `@rocket.chat/apps-engine/`
//   at a folder named `apps-engine` (its lib/require.ts strips only `apps-engine/src/`; see fakeEngine),
//   keeping `"unstable": ["detect-cjs"]`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { ROOT } from '../host/localHost';
import { DEFAULT_ENGINE, Engine, engine as engineOf, engineDir } from './engines';

const WRITE_ALL_URL = 'https://deno.land/std@0.216.0/io/write_all.ts';
const WARMED_MARKER = '.livechat-webhook-test-warmed';

/** Where one engine's Deno set-up lives: the wrapper, its import map or config, the lock, stand-ins, AppManager's tempFilePath. */
export interface DenoSetup {
    engine: Engine;
    /** build/runtime/<version> */
    dir: string;
    /** The wrapper's folder, put first on PATH. */
    binDir: string;
    /** The engine's own cache (its default: <engine>/.deno-cache), never shared with another engine. */
    denoDir: string;
    /** What AppManager gets as `tempFilePath` (1.62.0 links its deno-runtime there and lets Deno read it). */
    tempFilePath: string;
    /** The runtime's entry point as the engine starts it. */
    mainModule: string;
}

export function denoSetup(engine: Engine = engineOf(DEFAULT_ENGINE)): DenoSetup {
    const dir = path.join(ROOT, 'build', 'runtime', engine.version);
    const tempFilePath = path.join(dir, 'tmp');
    return {
        engine,
        dir,
        binDir: path.join(dir, 'bin'),
        denoDir: path.join(engineDir(engine), '.deno-cache'),
        tempFilePath,
        mainModule: engine.launch === 'deno2' ? path.join(tempFilePath, 'deno-runtime', 'main.ts') : path.join(engineDir(engine), 'deno-runtime', 'main.ts'),
    };
}

/** The Deno binary of the version the engine expects: the npm package's platform binary. */
export function denoBinary(engine: Engine): string {
    const packageDir = path.dirname(require.resolve(`${engine.deno.packageName}/package.json`));
    const platform = `${process.platform}-${process.arch === 'x64' ? 'x64' : 'arm64'}${process.platform === 'linux' ? '-glibc' : ''}`;
    const candidates = [
        // The package's postinstall copies it here (when npm runs install scripts) ...
        path.join(packageDir, process.platform === 'win32' ? 'deno.exe' : 'deno'),
        // ... else it stays in the platform package, nested under the alias or hoisted.
        path.join(packageDir, 'node_modules', '@deno', platform, 'deno'),
        path.join(ROOT, 'node_modules', '@deno', platform, 'deno'),
    ];
    for (const candidate of candidates) {
        if (fs.existsSync(candidate) && denoVersion(candidate) === engine.deno.version) {
            return candidate;
        }
    }
    throw new Error(`No Deno ${engine.deno.version} binary in ${candidates.join(' or ')}: run npm ci.`);
}

function denoVersion(binary: string): string | undefined {
    try {
        return /^deno (\d+\.\d+\.\d+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1];
    } catch {
        return undefined;
    }
}

/** Writes the wrapper and what it points Deno at under build/runtime/<version>; answers the set-up. */
export function prepareDeno(engine: Engine = engineOf(DEFAULT_ENGINE)): DenoSetup {
    const setup = denoSetup(engine);
    const source = engineDir(engine);
    fs.mkdirSync(setup.binDir, { recursive: true });
    fs.mkdirSync(setup.tempFilePath, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(source, 'deno-runtime', 'deno.jsonc'), 'utf8'));
    const imports: { [name: string]: string } = { ...config.imports };
    // The engine's own lock, copied once per warm-up: Deno rewrites it (the imports below differ from the
    // engine's), and later runs must find it as the warm-up left it, or they look packages up again.
    const lock = path.join(setup.dir, 'deno.lock');
    if (!fs.existsSync(lock)) {
        fs.copyFileSync(path.join(source, 'deno-runtime', 'deno.lock'), lock);
    }
    let runArgs: string;
    if (engine.launch === 'deno1') {
        // deno-runtime/lib/require.ts strips the first "src/" of a resolved path to find the engine's compiled files.
        imports['@rocket.chat/apps-engine/'] = `file://${path.join(source, 'src')}/`;
        imports[WRITE_ALL_URL] = `file://${copyStandIn(setup, 'write_all.ts')}`;
        const importMap = path.join(setup.dir, 'import_map.json');
        fs.writeFileSync(importMap, JSON.stringify({ imports }, null, 2));
        runArgs = `--no-config --lock='${lock}' --import-map='${importMap}'`;
    } else {
        imports['@rocket.chat/apps-engine/'] = `file://${path.join(fakeEngine(setup, source), 'src')}/`;
        // What the engine does on its own when it starts an app (AppsEngineDenoRuntime's constructor); warming needs it first.
        relink(path.dirname(setup.mainModule), path.join(source, 'deno-runtime'));
        imports['@std/io'] = `file://${copyStandIn(setup, 'std_io.ts')}`;
        imports['@std/streams'] = `file://${copyStandIn(setup, 'std_streams.ts')}`;
        const configPath = path.join(setup.dir, 'deno.json');
        fs.writeFileSync(configPath, JSON.stringify({ imports, unstable: config.unstable, lock }, null, 2));
        runArgs = `--config='${configPath}'`;
    }
    const wrapper = path.join(setup.binDir, 'deno');
    fs.writeFileSync(
        wrapper,
        [
            '#!/bin/sh',
            `# Deno ${engine.deno.version} for apps-engine ${engine.version} (test/runtime/deno.ts writes this file).`,
            `REAL='${denoBinary(engine)}'`,
            `export DENO_NO_PACKAGE_JSON=1 DENO_TLS_CA_STORE=system DENO_DIR='${setup.denoDir}'`,
            'if [ "$1" = "run" ] || [ "$1" = "cache" ]; then',
            '  cmd=$1; shift',
            // The engine's own --config (1.62.0) gives way to the wrapper's.
            '  for arg do shift; case $arg in --config=*) ;; *) set -- "$@" "$arg" ;; esac; done',
            `  exec "$REAL" "$cmd" ${runArgs} "$@"`,
            'fi',
            'exec "$REAL" "$@"',
            '',
        ].join('\n'),
        { mode: 0o755 },
    );
    return setup;
}

/**
 * 1.62.0's deno-runtime maps `@rocket.chat/apps-engine/` to the engine's `src/` (TypeScript sources
 * that npm does not publish) and finds the compiled files by stripping `apps-engine/src/` from a
 * resolved path (lib/require.ts). Type imports of missing sources are ignored, but one import is
 * a value (handlers/app/handleUploadEvents.ts: `definition/exceptions/AppsEngineException.ts`), so
 * the published package cannot start its runtime as it is. This builds a real folder named
 * `apps-engine` (Deno resolves symlinks in the import map's targets, so a link to the alias folder
 * would not do) outside any node_modules (Deno 2 runs no TypeScript from there), inside the
 * tempFilePath Deno may read: the engine's entries linked, and `src/` holding only that module,
 * which re-exports the compiled class.
 */
function fakeEngine(setup: DenoSetup, source: string): string {
    const root = path.join(setup.tempFilePath, 'apps-engine');
    fs.mkdirSync(root, { recursive: true });
    for (const entry of fs.readdirSync(source)) {
        if (!entry.startsWith('.') && entry !== 'src') {
            relink(path.join(root, entry), path.join(source, entry));
        }
    }
    const compiled = path.join(source, 'definition', 'exceptions', 'AppsEngineException.js');
    const standIn = path.join(root, 'src', 'definition', 'exceptions', 'AppsEngineException.ts');
    fs.mkdirSync(path.dirname(standIn), { recursive: true });
    fs.writeFileSync(
        standIn,
        [
            '// Written by test/runtime/deno.ts: npm publishes no src/; this is the compiled class.',
            "import { createRequire } from 'node:module';",
            '',
            `export const { AppsEngineException } = createRequire('${compiled}')('${compiled}');`,
            '',
        ].join('\n'),
    );
    return root;
}

function copyStandIn(setup: DenoSetup, name: string): string {
    const target = path.join(setup.dir, name);
    fs.copyFileSync(path.join(__dirname, name), target);
    return target;
}

function relink(link: string, target: string): void {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    try {
        if (fs.readlinkSync(link) === target) {
            return;
        }
        fs.unlinkSync(link);
    } catch {
        // not there yet
    }
    fs.symlinkSync(target, link, 'dir');
}

let inUse: Engine | undefined;

/**
 * Puts the engine's wrapper first on PATH for the engine's subprocesses; warms its cache first if it
 * never was. PATH is the process's: one engine per process.
 */
export function useDeno(engine: Engine = engineOf(DEFAULT_ENGINE)): DenoSetup {
    if (inUse && inUse !== engine) {
        throw new Error(`This process already runs apps-engine ${inUse.version}; one engine per process (the wrapper is on PATH).`);
    }
    inUse = engine;
    const setup = denoSetup(engine);
    if (!fs.existsSync(path.join(setup.denoDir, WARMED_MARKER))) {
        warmDenoCache(engine);
    }
    prepareDeno(engine);
    if (!(process.env.PATH || '').split(path.delimiter).includes(setup.binDir)) {
        process.env.PATH = `${setup.binDir}${path.delimiter}${process.env.PATH || ''}`;
    }
    // The engine hands DENO_DIR to Deno (its default: <engine>/.deno-cache); the wrapper sets the same.
    process.env.DENO_DIR = setup.denoDir;
    return setup;
}

/** Fetches the runtime's npm dependencies into the engine's DENO_DIR once, so later runs need no network. */
export function warmDenoCache(engine: Engine = engineOf(DEFAULT_ENGINE)): DenoSetup {
    fs.rmSync(path.join(denoSetup(engine).dir, 'deno.lock'), { force: true });
    const setup = prepareDeno(engine);
    execFileSync(path.join(setup.binDir, 'deno'), ['cache', setup.mainModule], {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'ignore', 'inherit'],
    });
    fs.writeFileSync(path.join(setup.denoDir, WARMED_MARKER), `Deno ${engine.deno.version}, ${new Date().toISOString()}\n`);
    return setup;
}
