// Loads the compiled app out of the package zip the way the engine's runtime does: each file is
// evaluated as a CommonJS module whose `require` only reaches the modules the runtime allows.
import * as path from 'path';
import * as vm from 'vm';

import AdmZip = require('adm-zip');

import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';

import { AppClass, readAppInfo, ROOT } from './localHost';

/** Node modules the Apps-Engine runtime lets app code require. */
export const RUNTIME_ALLOWED_MODULES = [
    'path',
    'url',
    'crypto',
    'buffer',
    'stream',
    'net',
    'http',
    'https',
    'zlib',
    'util',
    'punycode',
    'os',
    'querystring',
    'fs',
    'uuid',
];

export interface LoadedPackage {
    info: IAppInfo;
    AppClass: AppClass;
    files: Array<string>;
    /** Every module name a packaged file asked for, in order. */
    required: Array<string>;
}

/** Where `npm run package` (scripts/package.js) leaves the zip: dist/<nameSlug>_<version>.zip. */
export function packagedZipPath(): string {
    const info = readAppInfo();
    return path.join(ROOT, 'dist', `${info.nameSlug}_${info.version}.zip`);
}

export function loadAppFromZip(zipPath: string): LoadedPackage {
    const zip = new AdmZip(zipPath);
    const files = zip
        .getEntries()
        .filter((entry) => !entry.isDirectory)
        .map((entry) => entry.entryName);
    const sources = new Map<string, string>();
    for (const entry of zip.getEntries()) {
        if (entry.entryName.endsWith('.js')) {
            sources.set(path.posix.normalize(entry.entryName), entry.getData().toString('utf8'));
        }
    }
    const info: IAppInfo = JSON.parse(zip.readAsText('app.json'));
    const cache = new Map<string, { exports: any }>();
    const required: Array<string> = [];

    function load(file: string): any {
        const cached = cache.get(file);
        if (cached) {
            return cached.exports;
        }
        const source = sources.get(file);
        if (source === undefined) {
            throw new Error(`Cannot find module "${file}" in the package`);
        }
        const module = { exports: {} as any };
        cache.set(file, module);
        const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: `zip:${file}` });
        wrapper(module.exports, (name: string) => requireFrom(file, name), module, file, path.posix.dirname(file));
        return module.exports;
    }

    function requireFrom(from: string, name: string): any {
        required.push(name);
        if (name.startsWith('./') || name.startsWith('../')) {
            const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), name));
            return load(resolved.endsWith('.js') ? resolved : `${resolved}.js`);
        }
        if (name.startsWith('@rocket.chat/apps-engine/')) {
            return require(name);
        }
        if (RUNTIME_ALLOWED_MODULES.includes(name)) {
            return require(name);
        }
        throw new Error(`The Apps-Engine runtime would refuse require("${name}") in ${from}`);
    }

    const classFile = info.classFile.replace(/\.ts$/, '.js');
    const exported = load(classFile);
    const AppCtor = exported.default || Object.values(exported).find((value) => typeof value === 'function');
    if (typeof AppCtor !== 'function') {
        throw new Error(`${classFile} in the package exports no App class`);
    }
    return { info, AppClass: AppCtor as AppClass, files, required };
}
