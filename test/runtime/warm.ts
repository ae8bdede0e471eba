// `npm run runtime:warm [-- <version>...]`: fetches each engine runtime's Deno dependencies into that
// engine's own cache, once (npm registry only). Without a version: every engine e2e can run on.
import { engine, ENGINES } from './engines';
import { warmDenoCache } from './deno';

const versions = process.argv.slice(2).filter((arg) => arg !== '--');
for (const version of versions.length ? versions : Object.keys(ENGINES)) {
    const started = Date.now();
    const setup = warmDenoCache(engine(version));
    console.log(`apps-engine ${version}: Deno ${setup.engine.deno.version} cache ready in ${setup.denoDir} (${Date.now() - started} ms)`);
}
