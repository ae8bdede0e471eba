/** How long Rocket.Chat's client accepts a view for a triggerId it made (its UIKit interaction store). */
export const TRIGGER_LIFETIME_MS = 5000;

/** Rocket.Chat's client: it makes a triggerId for each interaction, and shows a view only for one it made in the last 5 s. */
export class ClientTriggers {
    private readonly made = new Map<string, number>();

    constructor(private readonly newId: () => string) {}

    public make(): string {
        const id = this.newId();
        this.made.set(id, Date.now());
        return id;
    }

    public showable(triggerId: unknown): boolean {
        const made = typeof triggerId === 'string' ? this.made.get(triggerId) : undefined;
        return made !== undefined && Date.now() - made <= TRIGGER_LIFETIME_MS;
    }
}
