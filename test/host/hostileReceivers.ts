// Receivers that misbehave on purpose, on loopback: each records what it got and then answers badly.
import * as http from 'http';
import * as net from 'net';

import { listenOnLoopback } from './receiver';

export type HostileKind = 'close-mid-response' | 'stall-after-headers' | 'drip' | 'huge' | 'redirect-loop' | 'redirect-to' | 'invalid-http';

export interface HostileReceiver {
    url: string;
    /** How many requests reached it. */
    hits: number;
    close(): Promise<void>;
}

export const HUGE_BYTES = 50 * 1024 * 1024;

export async function startHostileReceiver(
    kind: HostileKind,
    options: { dripIntervalMs?: number; redirectTo?: string; redirectStatus?: number } = {},
): Promise<HostileReceiver> {
    const receiver = { url: '', hits: 0, close: async () => undefined as void };
    const timers = new Set<NodeJS.Timeout>();
    if (kind === 'invalid-http') {
        const server = net.createServer((socket) => {
            receiver.hits++;
            socket.once('data', () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
        });
        const { port, close } = await listenOnLoopback(server);
        receiver.url = `http://127.0.0.1:${port}/hook`;
        receiver.close = close;
        return receiver;
    }
    const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
            receiver.hits++;
            switch (kind) {
                case 'close-mid-response':
                    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
                    res.write('{"partial":');
                    setTimeout(() => req.socket.destroy(), 20);
                    return;
                case 'stall-after-headers':
                    res.writeHead(200, { 'Content-Type': 'application/json' });
                    res.flushHeaders();
                    return;
                case 'drip': {
                    res.writeHead(200, { 'Content-Type': 'text/plain' });
                    res.flushHeaders();
                    const timer = setInterval(() => res.write('.'), options.dripIntervalMs ?? 100);
                    timers.add(timer);
                    res.on('close', () => clearInterval(timer));
                    return;
                }
                case 'huge': {
                    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(HUGE_BYTES) });
                    const chunk = Buffer.alloc(1024 * 1024, 'x');
                    let sent = 0;
                    const pump = () => {
                        while (sent < HUGE_BYTES) {
                            sent += chunk.length;
                            if (!res.write(chunk)) {
                                res.once('drain', pump);
                                return;
                            }
                        }
                        res.end();
                    };
                    pump();
                    return;
                }
                case 'redirect-loop':
                    res.writeHead(302, { Location: req.url || '/' });
                    res.end();
                    return;
                case 'redirect-to':
                    res.writeHead(options.redirectStatus ?? 307, { Location: options.redirectTo || '/' });
                    res.end();
                    return;
            }
        });
    });
    const { port, close } = await listenOnLoopback(server);
    receiver.url = `http://127.0.0.1:${port}/hook`;
    receiver.close = async () => {
        for (const timer of timers) {
            clearInterval(timer);
        }
        await close();
    };
    return receiver;
}
