// The preview page: every surface the app builds, rendered by Rocket.Chat's own UIKit renderer
// (@rocket.chat/fuselage-ui-kit with the fuselage components). Each block renders in its own error
// boundary, so that a block the renderer cannot draw shows as an error instead of vanishing. Like
// Rocket.Chat's client, mrkdwn goes through @rocket.chat/message-parser (the base renderer prints
// it raw); a token this page cannot draw is an error, never silently dropped.
import '@rocket.chat/icons/dist/rocketchat.css';
import { Box } from '@rocket.chat/fuselage';
import { kitContext, messageParser, modalParser, UiKitMessage, UiKitModal } from '@rocket.chat/fuselage-ui-kit';
import { parse } from '@rocket.chat/message-parser';
import React, { Component, ReactNode } from 'react';
import ReactDOM from 'react-dom';
import { Surface } from './surface';

function Markup({ nodes }: { nodes: any }): JSX.Element {
    const list: Array<any> = Array.isArray(nodes) ? nodes : [nodes];
    return (
        <>
            {list.map((node, index) => (
                <Token key={index} node={node} />
            ))}
        </>
    );
}

function Token({ node }: { node: any }): JSX.Element {
    switch (node.type) {
        case 'PARAGRAPH':
            return (
                <div>
                    <Markup nodes={node.value} />
                </div>
            );
        case 'PLAIN_TEXT':
            return <>{node.value}</>;
        case 'BOLD':
            return (
                <strong>
                    <Markup nodes={node.value} />
                </strong>
            );
        case 'ITALIC':
            return (
                <em>
                    <Markup nodes={node.value} />
                </em>
            );
        case 'STRIKE':
            return (
                <del>
                    <Markup nodes={node.value} />
                </del>
            );
        case 'INLINE_CODE':
            return (
                <Box is="code" fontScale="c1" bg="neutral-200" pi={4} borderRadius={2}>
                    {node.value.value}
                </Box>
            );
        case 'CODE':
            return (
                <Box is="pre" fontScale="c1" bg="neutral-200" p={8} borderRadius={2} style={{ whiteSpace: 'pre-wrap' }}>
                    {node.value.map((line: any) => line.value.value).join('\n')}
                </Box>
            );
        case 'LINK':
            return (
                <a href={node.value.src.value}>
                    <Markup nodes={node.value.label} />
                </a>
            );
        case 'EMOJI':
            return <>{node.unicode || `:${node.shortCode}:`}</>;
        case 'BIG_EMOJI':
            return <Markup nodes={node.value} />;
        case 'LINE_BREAK':
            return <br />;
        case 'UNORDERED_LIST':
        case 'ORDERED_LIST': {
            const List = node.type === 'ORDERED_LIST' ? 'ol' : 'ul';
            return (
                <List style={{ margin: 0, paddingInlineStart: 20 }}>
                    {node.value.map((item: any, index: number) => (
                        <li key={index}>
                            <Markup nodes={item.value} />
                        </li>
                    ))}
                </List>
            );
        }
        case 'QUOTE':
            return (
                <blockquote style={{ margin: 0, paddingInlineStart: 8, borderInlineStart: '3px solid #cbced1' }}>
                    <Markup nodes={node.value} />
                </blockquote>
            );
        case 'MENTION_USER':
            return <strong>@{node.value.value}</strong>;
        case 'MENTION_CHANNEL':
            return <strong>#{node.value.value}</strong>;
        default:
            throw new Error(`the preview cannot draw a ${node.type} markup token`);
    }
}

// The base renderer decides where mrkdwn may appear (never as a block); the text goes through the parser.
for (const parser of [messageParser, modalParser]) {
    const base = parser.mrkdwn.bind(parser);
    parser.mrkdwn = ((element: any, context: any, index: number) =>
        base(element, context, index) === null ? null : <Markup key={index} nodes={parse(element.text, { emoticons: false })} />) as any;
}

class Boundary extends Component<{ children: ReactNode; label: string }, { error?: string }> {
    public state: { error?: string } = {};

    public static getDerivedStateFromError(error: Error) {
        return { error: error.message };
    }

    public render() {
        return this.state.error ? <div data-error={this.props.label}>Render error: {this.state.error}</div> : this.props.children;
    }
}

function Blocks({ surface }: { surface: Surface }) {
    const render = surface.kind === 'message' ? UiKitMessage : UiKitModal;
    return (
        <>
            {surface.blocks.map((block, index) => (
                <div key={index} data-block={`${surface.id}:${index}:${block.type}`}>
                    <Boundary label={`${surface.id} block ${index} (${block.type})`}>{render([block])}</Boundary>
                </div>
            ))}
        </>
    );
}

function Frame({ surface }: { surface: Surface }) {
    const context = { action: () => undefined, state: () => undefined, appId: 'livechat-webhook-test', values: {}, errors: {} };
    const width = surface.kind === 'contextualBar' ? 400 : surface.kind === 'modal' ? 600 : 760;
    return (
        <section data-surface={surface.id} style={{ width, margin: 24, display: 'inline-block', verticalAlign: 'top' }}>
            <Box fontScale="c1" color="hint" mbe={8}>
                {surface.caption}
            </Box>
            <Box borderWidth={1} borderColor="extra-light" borderRadius={4} p={16} bg="surface">
                {surface.title ? (
                    <Box fontScale="h4" mbe={12}>
                        {surface.title}
                    </Box>
                ) : null}
                {surface.sender ? (
                    <Box fontScale="p2" mbe={4}>
                        <strong>{surface.sender}</strong>{' '}
                        <Box is="span" color="hint" fontScale="c1">
                            Bot{surface.ephemeral ? ' · only you can see this message' : ''}
                        </Box>
                    </Box>
                ) : null}
                <kitContext.Provider value={context}>
                    <Blocks surface={surface} />
                </kitContext.Provider>
                {surface.submit || surface.close ? (
                    <Box display="flex" justifyContent="flex-end" mbs={12} style={{ gap: 8 }}>
                        {surface.close ? <button>{surface.close}</button> : null}
                        {surface.submit ? (
                            <button style={{ background: '#156ff5', color: 'white', border: 0, padding: '4px 12px', borderRadius: 4 }}>{surface.submit}</button>
                        ) : null}
                    </Box>
                ) : null}
            </Box>
        </section>
    );
}

const surfaces: Array<Surface> = (window as any).SURFACES;
ReactDOM.render(
    <div style={{ fontFamily: 'Inter, -apple-system, system-ui, sans-serif', background: '#f7f8fa', minHeight: '100vh', padding: 8 }}>
        {surfaces.map((surface) => (
            <Frame key={surface.id} surface={surface} />
        ))}
    </div>,
    document.getElementById('root'),
    () => {
        (window as any).REPORT = Array.from(document.querySelectorAll('[data-block]')).map((element) => ({
            block: element.getAttribute('data-block') || '',
            error: element.querySelector('[data-error]') ? (element.textContent || '').slice(0, 200) : undefined,
            // Nothing drawn: no element, or only empty wrappers (a divider's <hr> is something).
            empty: !(element.textContent || '').trim() && !element.querySelector('hr, input, textarea, select, button, img'),
        }));
        // The icon font (and any other web font) must have loaded before its glyphs can be told apart.
        document.fonts.ready.then(() => {
            (window as any).MISSING_GLYPHS = missingGlyphs();
            document.body.dataset.ready = '1';
        });
    },
);

/**
 * The characters no font on this machine draws, per surface (the page shows an empty box for them).
 * Each is drawn on a canvas in its element's own font and compared with a code point no font has
 * (U+10FFFD): the same pixels mean the browser fell back to the missing-glyph box for both.
 */
function missingGlyphs(): Array<{ surface: string; char: string }> {
    const size = 48;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    const draw = (font: string, text: string): string => {
        context.clearRect(0, 0, size, size);
        context.font = font;
        context.textBaseline = 'top';
        context.fillStyle = '#000';
        context.fillText(text, 4, 4);
        return Array.from(context.getImageData(0, 0, size, size).data).join(',');
    };
    const nothing = new Map<string, string>();
    const drawn = new Map<string, boolean>();
    const missing: Array<{ surface: string; char: string }> = [];
    for (const section of Array.from(document.querySelectorAll('section[data-surface]'))) {
        const surface = section.getAttribute('data-surface') || '';
        const reported = new Set<string>();
        const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const style = getComputedStyle(node.parentElement as Element);
            const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
            for (const char of Array.from(node.textContent || '')) {
                const point = char.codePointAt(0) || 0;
                // ASCII, spaces, and the joiners and selectors that are no glyph of their own.
                if (point < 0x80 || /\s/.test(char) || point === 0x200d || (point >= 0xfe00 && point <= 0xfe0f) || (point >= 0x300 && point < 0x370)) {
                    continue;
                }
                const key = `${font}|${char}`;
                if (!drawn.has(key)) {
                    if (!nothing.has(font)) {
                        nothing.set(font, draw(font, String.fromCodePoint(0x10fffd)));
                    }
                    drawn.set(key, draw(font, char) !== nothing.get(font));
                }
                if (!drawn.get(key) && !reported.has(char)) {
                    reported.add(char);
                    missing.push({ surface, char });
                }
            }
        }
    }
    return missing;
}
