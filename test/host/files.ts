import * as fs from 'fs';
import * as path from 'path';

/** Every .ts file under `dir`, recursively. */
export function listTs(dir: string): Array<string> {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? listTs(full) : entry.name.endsWith('.ts') ? [full] : [];
    });
}
