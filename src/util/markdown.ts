// Text from outside (a URL, a host) shown in Rocket.Chat's markdown: in a code span, so that
// `*urgent*_x_.example.com` shows as written, not as formatting.

/** `text` as a code span; backticks inside (which would end it) become ʼ. */
export function code(text: string): string {
    return `\`${text.replace(/`/g, 'ʼ').replace(/\s*\n\s*/g, ' ')}\``;
}
