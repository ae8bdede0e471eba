import * as http from 'http';
import { listenOnLoopback } from './receiver';

export interface PermissionEntry {
    _id: string;
    roles: Array<string>;
}

/** Rocket.Chat's default roles for the permissions this app cares about (and a few neighbours), as its upsertPermissions sets them. */
export const DEFAULT_PERMISSION_TABLE: Array<PermissionEntry> = [
    { _id: 'view-l-room', roles: ['livechat-manager', 'livechat-monitor', 'livechat-agent', 'admin'] },
    { _id: 'view-livechat-manager', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
    { _id: 'view-livechat-rooms', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
    { _id: 'view-livechat-webhooks', roles: ['livechat-manager', 'admin'] },
    { _id: 'view-livechat-room-closed-same-department', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
    { _id: 'view-livechat-room-closed-by-another-agent', roles: ['livechat-manager', 'livechat-monitor', 'admin'] },
    { _id: 'manage-apps', roles: ['admin'] },
];

/** How `permissions.listAll` misbehaves, when it does. */
export type PermissionHostFault =
    'none' | 'status-500' | 'status-502' | 'status-401' | 'status-403' | 'status-404' | 'status-429' | 'bad-json' | 'not-listed' | 'hang';

export interface PermissionHost {
    siteUrl: string;
    /** The version `GET /api/info` tells (to admins whole, to others without the patch number); undefined answers 404. */
    setVersion(version: string | undefined): void;
    /** Calls of permissions.listAll (and any other path but /api/info). */
    calls: Array<{ userId?: string; authToken?: string; path: string }>;
    /** Calls of /api/info. */
    infoCalls: Array<{ userId?: string; authToken?: string; path: string }>;
    setTable(table: Array<PermissionEntry>): void;
    setFault(fault: PermissionHostFault): void;
    close(): Promise<void>;
}

/**
 * A stand-in for the Rocket.Chat server's REST API, limited to `GET /api/v1/permissions.listAll`:
 * 401 without valid `X-User-Id`/`X-Auth-Token`, else the permission table as the host answers it.
 */
export async function startPermissionHost(tokens: { [userId: string]: string }): Promise<PermissionHost> {
    let table = DEFAULT_PERMISSION_TABLE;
    let fault: PermissionHostFault = 'none';
    let version: string | undefined = '8.0.1';
    const calls: PermissionHost['calls'] = [];
    const infoCalls: PermissionHost['calls'] = [];
    const server = http.createServer((req, res) => {
        const userId = header(req, 'x-user-id');
        const authToken = header(req, 'x-auth-token');
        const path = (req.url || '').split('?')[0];
        if (path === '/api/info') {
            infoCalls.push({ userId, authToken, path });
        } else {
            calls.push({ userId, authToken, path });
        }
        const send = (status: number, body: string) => {
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end(body);
        };
        if (path === '/api/info' && req.method === 'GET') {
            // Rocket.Chat's info route: the whole version to holders of get-server-info (admins by default), X.Y to the others.
            if (!version) {
                return send(404, JSON.stringify({ success: false, error: 'Not found' }));
            }
            const user = userId && tokens[userId] === authToken ? userId : undefined;
            const full = !!user && user.startsWith('admin');
            return send(
                200,
                JSON.stringify(full ? { info: { version }, success: true } : { version: version.split('.').slice(0, 2).join('.'), success: true }),
            );
        }
        if (path !== '/api/v1/permissions.listAll' || req.method !== 'GET') {
            return send(404, JSON.stringify({ success: false, error: 'Not found' }));
        }
        if (!userId || !authToken || tokens[userId] !== authToken) {
            return send(401, JSON.stringify({ status: 'error', message: 'You must be logged in to do this.' }));
        }
        switch (fault) {
            case 'hang':
                return;
            case 'status-500':
                return send(500, JSON.stringify({ success: false, error: 'Internal server error' }));
            case 'status-502':
                res.writeHead(502, { 'Content-Type': 'text/html' });
                return res.end('<html><body>502 Bad Gateway</body></html>');
            case 'status-401':
                return send(401, JSON.stringify({ status: 'error', message: 'You must be logged in to do this.' }));
            case 'status-403':
                return send(403, JSON.stringify({ success: false, error: 'unauthorized' }));
            case 'status-404':
                return send(404, JSON.stringify({ success: false, error: 'Not found' }));
            case 'status-429':
                // Rocket.Chat's REST rate limiter.
                res.writeHead(429, { 'Content-Type': 'application/json', 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0' });
                return res.end(
                    JSON.stringify({
                        success: false,
                        error: 'Error, too many requests. Please slow down. You must wait 60 seconds before trying this endpoint again. [error-too-many-requests]',
                    }),
                );
            case 'not-listed':
                return send(200, JSON.stringify({ update: table.filter((entry) => entry._id !== 'view-livechat-webhooks'), remove: [], success: true }));
            case 'bad-json':
                return send(200, '<html>maintenance</html>');
            default:
                return send(200, JSON.stringify({ update: table, remove: [], success: true }));
        }
    });
    const { port, close } = await listenOnLoopback(server);
    return {
        siteUrl: `http://127.0.0.1:${port}/`,
        calls,
        infoCalls,
        setTable: (next) => {
            table = next;
        },
        setVersion: (next) => {
            version = next;
        },
        setFault: (next) => {
            fault = next;
        },
        close,
    };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
