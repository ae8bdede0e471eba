// The preview page: the surfaces rendered by Rocket.Chat's UIKit renderer (page.tsx, bundled with
// esbuild) in headless Chromium (Debian's, driven by playwright-core). The page reports, per block,
// whether it rendered an error or nothing; optionally each surface is photographed.
import * as fs from 'fs';
import * as path from 'path';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';

import { ROOT } from '../../test/host/localHost';
import { Surface } from './surface';

export const PAGE_DIR = path.join(ROOT, 'build', 'preview');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface Rendering {
    /** Blocks found on the page. */
    blocks: number;
    /** Render errors, empty blocks, page and console errors; empty when every block drew. */
    problems: Array<string>;
}

/** Renders the surfaces; with `screenshots`, writes `<id>.png` for each into that folder. */
export async function renderSurfaces(surfaces: Array<Surface>, screenshots?: string): Promise<Rendering> {
    fs.mkdirSync(PAGE_DIR, { recursive: true });
    await build({
        entryPoints: [path.join(ROOT, 'scripts', 'preview', 'page.tsx')],
        bundle: true,
        outfile: path.join(PAGE_DIR, 'page.js'),
        format: 'iife',
        loader: { '.eot': 'file', '.svg': 'file', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
        define: { 'process.env.NODE_ENV': '"production"' },
        logLevel: 'warning',
    });
    fs.writeFileSync(
        path.join(PAGE_DIR, 'index.html'),
        `<!doctype html><html><head><meta charset="utf-8"><title>Livechat Webhook Test: every surface</title><link rel="stylesheet" href="page.css"></head>` +
            `<body style="margin:0"><div id="root"></div><script>window.SURFACES = ${JSON.stringify(surfaces).replace(/</g, '\\u003c')};</script><script src="page.js"></script></body></html>`,
    );
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`);
    }
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
    const problems: Array<string> = [];
    try {
        const page = await browser.newPage({ viewport: { width: 1700, height: 1000 }, deviceScaleFactor: 1 });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
            if (message.type() === 'error') {
                problems.push(`console error: ${message.text().split('\n')[0].slice(0, 300)}`);
            }
        });
        await page.goto(`file://${path.join(PAGE_DIR, 'index.html')}`);
        const ready = await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 }).then(
            () => true,
            () => false,
        );
        if (!ready) {
            throw new Error(`the preview page did not render in 20 s: ${problems.join('; ') || 'no error reported'}`);
        }
        const report: Array<{ block: string; error?: string; empty: boolean }> = await page.evaluate('window.REPORT');
        for (const block of report) {
            if (block.error) {
                problems.push(`${block.block}: ${block.error}`);
            } else if (block.empty) {
                problems.push(`${block.block}: rendered nothing`);
            }
        }
        const missing: Array<{ surface: string; char: string }> = await page.evaluate('window.MISSING_GLYPHS');
        for (const { surface, char } of missing) {
            const point = (char.codePointAt(0) || 0).toString(16).toUpperCase().padStart(4, '0');
            problems.push(`${surface}: no font on this machine draws U+${point} ${char} (install fonts-noto-color-emoji for emoji)`);
        }
        const expected = surfaces.reduce((sum, surface) => sum + surface.blocks.length, 0);
        if (report.length !== expected) {
            problems.push(`${report.length} blocks on the page, ${expected} expected`);
        }
        if (screenshots) {
            fs.mkdirSync(screenshots, { recursive: true });
            for (const surface of surfaces) {
                const element = await page.$(`section[data-surface="${surface.id}"]`);
                await element!.screenshot({ path: path.join(screenshots, `${surface.id}.png`) });
            }
        }
        return { blocks: report.length, problems };
    } finally {
        await browser.close();
    }
}
