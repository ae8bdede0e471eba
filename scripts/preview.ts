// `npm run preview [-- --check]`: every surface the app builds (scripts/preview/surfaces.ts), rendered
// with Rocket.Chat's own UIKit renderer into build/preview/index.html, loaded in headless Chromium,
// checked (no render error, no empty block) and, without --check, photographed into docs/preview/*.png.
import * as path from 'path';

import { ROOT } from '../test/host/localHost';
import { PAGE_DIR, renderSurfaces } from './preview/render';
import { collectSurfaces } from './preview/surfaces';

const DOCS = path.join(ROOT, 'docs', 'preview');

async function main(): Promise<void> {
    const check = process.argv.includes('--check');
    const surfaces = await collectSurfaces();
    const { blocks, problems } = await renderSurfaces(surfaces, check ? undefined : DOCS);
    console.log(
        `preview: ${surfaces.length} surfaces, ${blocks} blocks rendered by fuselage-ui-kit in Chromium; page: ${path.relative(ROOT, path.join(PAGE_DIR, 'index.html'))}`,
    );
    if (!check) {
        console.log(`preview: ${surfaces.length} screenshots in ${path.relative(ROOT, DOCS)}/`);
    }
    if (problems.length) {
        console.error(`preview: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
        process.exit(1);
    }
    console.log('preview: no render error, no empty block.');
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
