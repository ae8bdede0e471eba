/** One surface the app builds, as the preview page draws it. */
export interface Surface {
    id: string;
    caption: string;
    kind: 'message' | 'modal' | 'contextualBar';
    title?: string;
    sender?: string;
    /** A message only its caller sees (a slash reply), not one posted in the room. */
    ephemeral?: boolean;
    blocks: Array<any>;
    submit?: string;
    close?: string;
}
