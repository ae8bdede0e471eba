import * as http from 'http';
import { AddressInfo, Server, Socket } from 'net';

export interface ReceivedRequest {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    receivedAt: number;
}

/** How the receiver answers: a status (and body) after an optional delay, or never. */
export interface ReceiverBehaviour {
    status?: number;
    body?: string;
    contentType?: string;
    /** Extra response headers. */
    headers?: { [name: string]: string };
    delayMs?: number;
    hang?: boolean;
    /** Close the connection without any answer. */
    reset?: boolean;
}

export interface Receiver {
    url: string;
    port: number;
    requests: Array<ReceivedRequest>;
    behave(behaviour: ReceiverBehaviour): void;
    close(): Promise<void>;
}

/** A real webhook receiver on a loopback port that records every request. */
export async function startReceiver(initial: ReceiverBehaviour = {}, path = '/webhook'): Promise<Receiver> {
    let behaviour = initial;
    const requests: Array<ReceivedRequest> = [];
    const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            requests.push({
                method: req.method || '',
                path: req.url || '',
                headers: req.headers,
                body: Buffer.concat(chunks).toString('utf8'),
                receivedAt: Date.now(),
            });
            const current = behaviour;
            if (current.hang) {
                return;
            }
            if (current.reset) {
                req.socket.destroy();
                return;
            }
            const answer = () => {
                res.writeHead(current.status ?? 200, { 'Content-Type': current.contentType ?? 'application/json', ...current.headers });
                res.end(current.body ?? '{"ok":true}');
            };
            if (current.delayMs) {
                setTimeout(answer, current.delayMs);
            } else {
                answer();
            }
        });
    });
    const { port, close } = await listenOnLoopback(server);
    return {
        url: `http://127.0.0.1:${port}${path}`,
        port,
        requests,
        behave: (next) => {
            behaviour = next;
        },
        close,
    };
}

/** Listens on a free loopback port; `close` also ends open (e.g. hanging) connections. */
export async function listenOnLoopback(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const close = () => {
        for (const socket of sockets) {
            socket.destroy();
        }
        return new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { port, close };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}
