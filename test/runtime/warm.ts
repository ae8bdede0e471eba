// `npm run runtime:warm`: fetches the engine runtime's Deno dependencies once (npm registry only).
import { DENO_DIR, warmDenoCache } from './deno';

warmDenoCache();
console.log(`Deno cache ready in ${DENO_DIR}`);
