// The network policy for webhook URLs, applied before anything is sent: http/https only, no
// credentials in the URL, and no literal loopback, private, link-local, unique-local, reserved or
// cloud-metadata address in any spelling, unless the host is listed in allowed_private_hosts.
// Names are judged as written; what a name resolves to is the host's SSRF check's to judge.
import { Cidr, inCidr, isBlockedAddress, parseCidr, parseIp } from './ip';
import { code } from '../util/markdown';
import { t, Text } from '../i18n/text';

export interface AllowedHost {
    /** Lower-case host name or canonical IP, without brackets and trailing dot. */
    host?: string;
    port?: string;
    cidr?: Cidr;
}

export type PolicyCheck = { ok: true; url: URL } | { ok: false; error: 'error-invalid-webhook-url' | 'error-ssrf-validation-failed'; reason: Text };

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;
const LOCAL_NAMES =
    /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback|metadata|metadata\.google\.internal|metadata\.goog|instance-data|instance-data\.ec2\.internal)$/;

export function checkUrlPolicy(raw: string, allowed: Array<AllowedHost>): PolicyCheck {
    if (CONTROL_OR_SPACE.test(raw)) {
        // URL parsing would silently drop tabs and line breaks; a URL holding them is refused whole.
        return { ok: false, error: 'error-invalid-webhook-url', reason: t('url.controlCharacters') };
    }
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        // The raw text is not echoed: a mistyped URL can still hold credentials.
        return {
            ok: false,
            error: 'error-invalid-webhook-url',
            reason: t('url.notAbsolute'),
        };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return {
            ok: false,
            error: 'error-ssrf-validation-failed',
            reason: t('url.notHttp', { protocol: code(url.protocol.replace(/:$/, '')) }),
        };
    }
    if (url.username || url.password) {
        return {
            ok: false,
            error: 'error-ssrf-validation-failed',
            reason: t('url.credentials'),
        };
    }
    const host = canonicalHost(url.hostname);
    const ip = parseIp(host);
    const local = ip ? isBlockedAddress(ip) : LOCAL_NAMES.test(host) || host.endsWith('.localhost');
    if (local && !isAllowed(host, effectivePort(url), allowed)) {
        return {
            ok: false,
            error: 'error-ssrf-validation-failed',
            reason: t('url.private', { host: code(host) }),
        };
    }
    return { ok: true, url };
}

/** Parses allowed_private_hosts: "crm.internal, 10.0.0.0/8, 127.0.0.1:8080, [fd00::1]". */
export function parseAllowedHosts(value: string): { ok: true; hosts: Array<AllowedHost> } | { ok: false; entry: string } {
    const hosts: Array<AllowedHost> = [];
    for (const entry of value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)) {
        const parsed = parseAllowedHost(entry);
        if (!parsed) {
            return { ok: false, entry: entry.slice(0, 60) };
        }
        hosts.push(parsed);
    }
    return { ok: true, hosts };
}

function parseAllowedHost(entry: string): AllowedHost | undefined {
    if (entry.includes('/')) {
        const cidr = parseCidr(entry.replace(/^\[([^\]]+)\]/, '$1'));
        return cidr ? { cidr } : undefined;
    }
    if (CONTROL_OR_SPACE.test(entry) || /[@?#]/.test(entry)) {
        return undefined;
    }
    try {
        // The URL parser gives host names and IPs (in any spelling) the canonical form URLs will have.
        const url = new URL(`http://${entry}`);
        if (url.pathname !== '/' || url.username || url.password) {
            return undefined;
        }
        return { host: canonicalHost(url.hostname), port: url.port || undefined };
    } catch {
        return undefined;
    }
}

function isAllowed(host: string, port: string, allowed: Array<AllowedHost>): boolean {
    const ip = parseIp(host);
    return allowed.some((entry) => {
        if (entry.cidr) {
            return !!ip && inCidr(ip, entry.cidr);
        }
        return entry.host === host && (entry.port === undefined || entry.port === port);
    });
}

function canonicalHost(hostname: string): string {
    return hostname
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, '')
        .toLowerCase();
}

function effectivePort(url: URL): string {
    return url.port || (url.protocol === 'https:' ? '443' : '80');
}
