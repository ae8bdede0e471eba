// Every surface the app builds renders in Rocket.Chat's UIKit renderer: no block draws an error or
// nothing, and no surface carries the secret token. The broken surface proves the check can fail.
import { beforeAll, describe, expect, it } from '@jest/globals';

import { renderSurfaces } from '../../scripts/preview/render';
import { Surface } from '../../scripts/preview/surface';
import { collectSurfaces, PREVIEW_TOKEN } from '../../scripts/preview/surfaces';

const EXPECTED = [
    'panel-empty',
    'reply-delivered',
    'reply-dropped',
    'reply-retried',
    'reply-not-sent',
    'reply-refused',
    'check-table',
    'reply-traffic',
    'reply-readiness',
    'panel-healthy',
    'send-form',
    'detail',
    'watch-alert',
    'panel-failing',
    'watch-recovery',
    'check-table-pt-BR',
    'check-table-de',
    'watch-alert-pt-BR',
    'panel-pt-BR',
    'watch-alert-de',
    'panel-de',
];

describe('the app in Rocket.Chat UIKit renderer', () => {
    let surfaces: Array<Surface>;

    beforeAll(async () => {
        surfaces = await collectSurfaces();
    });

    it('builds every surface: the panel empty, healthy and failing, the form, a detail, a reply per verdict, the check, the alert and recovery', () => {
        expect(surfaces.map((surface) => surface.id)).toEqual(EXPECTED);
        const text = (id: string) => JSON.stringify(surfaces.find((surface) => surface.id === id)!.blocks);
        expect(text('panel-healthy')).toMatch(/healthy since/);
        expect(text('panel-failing')).toMatch(/failing since/);
        expect(text('reply-dropped')).toMatch(/Answer 200, not 204/);
        expect(text('reply-retried')).toMatch(/503/);
        expect(text('detail')).toMatch(/X-RocketChat-Livechat-Token: \*\*\*/);
        expect(text('watch-recovery')).toMatch(/recovered/i);
        expect(text('reply-traffic')).toMatch(/Livechat_webhook_on_capture/);
        expect(text('panel-healthy')).toMatch(/Last 24 h/);
        // The reader's language (the alert: the workspace's).
        expect(text('check-table-pt-BR')).toMatch(/Receptor/);
        expect(text('check-table-de')).toMatch(/Empfänger/);
        expect(text('panel-pt-BR')).toMatch(/Enviar teste/);
        expect(text('panel-de')).toMatch(/Test senden/);
        for (const id of ['check-table-pt-BR', 'check-table-de', 'panel-pt-BR', 'panel-de', 'watch-alert-pt-BR', 'watch-alert-de']) {
            expect({ id, english: /Receiver (ready|not ready)|Send test|Failing since|Test now/.test(text(id)) }).toEqual({ id, english: false });
        }
    });

    it('never shows the secret token', () => {
        for (const surface of surfaces) {
            expect(JSON.stringify(surface)).not.toContain(PREVIEW_TOKEN);
        }
    });

    it('renders every block of every surface: no render error, no empty block, no character without a font (every emoji draws)', async () => {
        const { blocks, problems } = await renderSurfaces(surfaces);
        expect(problems).toEqual([]);
        expect(blocks).toBe(surfaces.reduce((sum, surface) => sum + surface.blocks.length, 0));
    });

    it('reports a block the renderer cannot draw and one it draws as nothing', async () => {
        const broken: Surface = {
            id: 'broken',
            caption: 'broken',
            kind: 'modal',
            blocks: [
                { type: 'nonsense' },
                { type: 'actions', elements: [{ type: 'button', actionId: 'no-text' }] },
                { type: 'section', text: { type: 'mrkdwn', text: '*fine* ✅ ação' } },
                // Linear B: a script no font on a CI machine has; the page would draw an empty box.
                { type: 'section', text: { type: 'mrkdwn', text: 'a glyph no font has: \u{10000}' } },
            ],
        };
        const { problems } = await renderSurfaces([broken]);
        expect(problems.filter((problem) => problem.startsWith('broken'))).toEqual([
            'broken:0:nonsense: rendered nothing',
            expect.stringMatching(/^broken:1:actions: Render error: /),
            'broken: no font on this machine draws U+10000 \u{10000} (install fonts-noto-color-emoji for emoji)',
        ]);
    });
});
