// The Apps-Engine releases whose server runtime npm publishes (later ones ship only definitions), each
// installed under its own npm alias, and the Deno each one expects. `npm run e2e` picks one with
// E2E_ENGINE (default 1.58.1); `npm start` and `npm run bench:runtime` use the default.
import * as path from 'path';

export type EngineVersion = '1.58.1' | '1.59.0' | '1.62.0';

export interface Engine {
    version: EngineVersion;
    /** The folder under node_modules (an npm alias of @rocket.chat/apps-engine@<version>). */
    packageName: string;
    /** How the engine starts Deno, and what this machine must add to it (see deno.ts). */
    launch: 'deno1' | 'deno2';
    deno: {
        /** The npm alias of the `deno` package this project runs the engine with. */
        packageName: string;
        version: string;
        /** What Rocket.Chat's `.tool-versions` pinned when this engine shipped. */
        rocketChatPin: string;
    };
}

/**
 * 1.58.1 and 1.59.0 ship the same deno-runtime, with a version-3 deno.lock: Deno 1.x, which
 * Rocket.Chat pinned at 1.43.5 until March 2026; npm publishes Deno 1.x only from 1.46.0 on, so
 * they run on 1.46.3, the last 1.x. 1.62.0 ships a version-5 lock and imports `@std/io` the way
 * Rocket.Chat PR #39837 (Deno 1.43.5 → 2.3.1, March 2026) set it up: Deno 2.3.1, as pinned.
 */
export const ENGINES: { [version in EngineVersion]: Engine } = {
    '1.58.1': {
        version: '1.58.1',
        packageName: 'apps-engine-runtime',
        launch: 'deno1',
        deno: { packageName: 'deno-1.46.3', version: '1.46.3', rocketChatPin: '1.43.5' },
    },
    '1.59.0': {
        version: '1.59.0',
        packageName: 'apps-engine-1.59.0',
        launch: 'deno1',
        deno: { packageName: 'deno-1.46.3', version: '1.46.3', rocketChatPin: '1.43.5' },
    },
    '1.62.0': {
        version: '1.62.0',
        packageName: 'apps-engine-1.62.0',
        launch: 'deno2',
        deno: { packageName: 'deno-2.3.1', version: '2.3.1', rocketChatPin: '2.3.1' },
    },
};

export const DEFAULT_ENGINE: EngineVersion = '1.58.1';

export function engine(version: string = DEFAULT_ENGINE): Engine {
    const found = (ENGINES as { [version: string]: Engine | undefined })[version];
    if (!found) {
        throw new Error(`Unknown Apps-Engine version "${version}": use one of ${Object.keys(ENGINES).join(', ')}`);
    }
    return found;
}

/** The engine `npm run e2e` runs: E2E_ENGINE, else the default. */
export function e2eEngine(env: NodeJS.ProcessEnv = process.env): Engine {
    return engine(env.E2E_ENGINE || DEFAULT_ENGINE);
}

/** The engine's installed folder. */
export function engineDir(target: Engine): string {
    return path.dirname(require.resolve(`${target.packageName}/package.json`));
}

/** One of the engine's own modules (`server/AppManager`, `definition/metadata`, ...). */
export function engineModule(target: Engine, module: string): any {
    return require(`${target.packageName}/${module}`);
}
