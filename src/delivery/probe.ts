// What a request of the receiver check carries instead of the saved secrets (its probes).

/** `unsigned`: as Rocket.Chat's real deliveries go (the token, never a signature); `webhookId`: a duplicate's. */
export type Probe = { token: 'omit' | 'wrong' } | { signature: 'wrong' | 'stale' } | { webhookId: string } | { unsigned: true };
