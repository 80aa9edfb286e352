// The page's static files (dist/media: the page helper's web.js and web.css, xterm's fonts...),
// served from memory. Only files found in the asset folder at start are served, looked up by
// exact name in a map: a path can never leave the folder, whatever it encodes ("..", "%2e%2e",
// "%2f", backslashes), because nothing in it is ever joined to a file system path.
// Each is compressed once (brotli and gzip, when smaller) and carries a strong ETag.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { WEB_PAGE_ASSETS as WEB_ASSETS } from './pageAssets';

export interface Asset {
  name: string;
  type: string;
  etag: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};
/** Types worth compressing (fonts and images already are). */
const COMPRESSIBLE = new Set(['.js', '.css', '.map', '.json', '.svg']);
/** A name as the folder listing gives it: no separators, no leading dot, nothing to decode. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Bigger files are not kept in memory (nothing of the page is near this). */
const MAX_ASSET_BYTES = 8 * 1024 * 1024;

export class AssetStore {
  private readonly assets = new Map<string, Asset>();

  /** Reads every servable file directly in `dir` (not its subfolders). A missing folder serves nothing. */
  constructor(readonly dir: string) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const type = TYPES[extname(name)];
      if (!type || !ASSET_NAME.test(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > MAX_ASSET_BYTES) continue;
      this.assets.set(name, makeAsset(name, type, readFileSync(path), COMPRESSIBLE.has(extname(name))));
    }
  }

  /** The asset called exactly `name`, or undefined (the caller answers 404). */
  get(name: string): Asset | undefined {
    return ASSET_NAME.test(name) ? this.assets.get(name) : undefined;
  }

  /** Whether the page's own script and style are there (a build without the page serves a page that cannot run). */
  missingPageFiles(): string[] {
    return [WEB_ASSETS.script, WEB_ASSETS.style].filter((n) => !this.assets.has(n));
  }
}

export function makeAsset(name: string, type: string, identity: Buffer, compress: boolean): Asset {
  const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
  const asset: Asset = { name, type, etag, identity };
  if (compress && identity.length > 256) {
    const gzip = gzipSync(identity, { level: 9 });
    if (gzip.length < identity.length) asset.gzip = gzip;
    const br = brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } });
    if (br.length < identity.length) asset.br = br;
  }
  return asset;
}

/** The encoding to send: brotli, then gzip, when the client accepts it (q=0 refuses). */
export function chooseEncoding(asset: Asset, acceptEncoding: string | undefined): { encoding: 'br' | 'gzip' | undefined; body: Buffer } {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding.trim());
  }
  if (asset.br && accepted.has('br')) return { encoding: 'br', body: asset.br };
  if (asset.gzip && (accepted.has('gzip') || accepted.has('x-gzip'))) return { encoding: 'gzip', body: asset.gzip };
  return { encoding: undefined, body: asset.identity };
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * dist/media of the running copy: next to the CLI bundle (dist/cli.js), above a lazy bundle
 * (dist/lazy/), or under the package root (tests run from out/). The first that holds the page's
 * script wins; else the first that exists.
 */
export function defaultAssetDir(from = __dirname): string {
  const candidates = [join(from, 'media'), join(from, '..', 'media')];
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) candidates.push(join(dir, 'dist', 'media'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((d) => existsSync(join(d, WEB_ASSETS.script))) ?? candidates.find((d) => existsSync(d)) ?? candidates[0];
}
