// IP addresses and CIDR ranges, parsed by hand (the runtime offers no IP library), and the ranges
// Rocket.Chat's own SSRF check refuses, so that this app and the host apply one policy.

export interface IpAddress {
    version: 4 | 6;
    /** 4 or 16 bytes, network order. */
    bytes: Array<number>;
}

export interface Cidr {
    address: IpAddress;
    prefix: number;
}

/** The ranges of Rocket.Chat's server-fetch SSRF check (private, loopback, link-local, reserved, metadata). */
const BLOCKED_RANGES = [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.88.99.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
    '255.255.255.255/32',
    '100.100.100.200/32',
    '::/128',
    '::1/128',
    '::ffff:0:0/96',
    '3fff::/20',
    '5f00::/16',
    '64:ff9b::/96',
    '64:ff9b:1::/48',
    '100::/64',
    '2001::/32',
    '2001:20::/28',
    '2001:db8::/32',
    '2002::/16',
    'fc00::/7',
    'fe80::/10',
    'ff00::/8',
].map((range) => parseCidr(range) as Cidr);

/** A dotted-quad IPv4 or an IPv6 address (brackets allowed); anything else is undefined. */
export function parseIp(text: string): IpAddress | undefined {
    const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    return parseIpv4(bare) || parseIpv6(bare);
}

export function parseCidr(text: string): Cidr | undefined {
    const slash = text.indexOf('/');
    const address = parseIp(slash < 0 ? text : text.slice(0, slash));
    if (!address) {
        return undefined;
    }
    const bits = address.bytes.length * 8;
    if (slash < 0) {
        return { address, prefix: bits };
    }
    const prefixText = text.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    return prefix >= 0 && prefix <= bits ? { address, prefix } : undefined;
}

export function inCidr(ip: IpAddress, cidr: Cidr): boolean {
    if (ip.version !== cidr.address.version) {
        return false;
    }
    let remaining = cidr.prefix;
    for (let index = 0; index < ip.bytes.length && remaining > 0; index++, remaining -= 8) {
        const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
        if ((ip.bytes[index] & mask) !== (cidr.address.bytes[index] & mask)) {
            return false;
        }
    }
    return true;
}

/** Whether an address is one Rocket.Chat refuses; IPv6 forms that embed an IPv4 are judged by it too. */
export function isBlockedAddress(ip: IpAddress): boolean {
    if (BLOCKED_RANGES.some((range) => inCidr(ip, range))) {
        return true;
    }
    const embedded = embeddedIpv4(ip);
    return embedded !== undefined && isBlockedAddress(embedded);
}

/** The IPv4 inside an IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
    if (ip.version !== 6) {
        return undefined;
    }
    const head = ip.bytes.slice(0, 12);
    const compatible = head.every((byte) => byte === 0);
    const nat64 = [0, 0x64, 0xff, 0x9b].every((byte, index) => head[index] === byte) && head.slice(4).every((byte) => byte === 0);
    return compatible || nat64 ? { version: 4, bytes: ip.bytes.slice(12) } : undefined;
}

function parseIpv4(text: string): IpAddress | undefined {
    const parts = text.split('.');
    if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
        return undefined;
    }
    return { version: 4, bytes: parts.map(Number) };
}

function parseIpv6(text: string): IpAddress | undefined {
    if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) {
        return undefined;
    }
    const groups = (part: string): Array<number> | undefined => {
        if (part === '') {
            return [];
        }
        const result: Array<number> = [];
        const pieces = part.split(':');
        for (let index = 0; index < pieces.length; index++) {
            const piece = pieces[index];
            if (index === pieces.length - 1 && piece.includes('.')) {
                const v4 = parseIpv4(piece);
                if (!v4) {
                    return undefined;
                }
                result.push((v4.bytes[0] << 8) | v4.bytes[1], (v4.bytes[2] << 8) | v4.bytes[3]);
            } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
                result.push(parseInt(piece, 16));
            } else {
                return undefined;
            }
        }
        return result;
    };
    const [headText, tailText] = text.split('::');
    const head = groups(headText);
    const tail = tailText === undefined ? [] : groups(tailText);
    if (!head || !tail) {
        return undefined;
    }
    const missing = 8 - head.length - tail.length;
    if ((tailText === undefined && missing !== 0) || (tailText !== undefined && missing < 1)) {
        return undefined;
    }
    const all = [...head, ...new Array(Math.max(missing, 0)).fill(0), ...tail];
    const bytes: Array<number> = [];
    for (const group of all) {
        bytes.push(group >> 8, group & 0xff);
    }
    return { version: 6, bytes };
}
