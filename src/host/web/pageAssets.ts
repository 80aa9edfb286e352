// The browser page's static files: esbuild.mjs builds them from media/web.ts (its "web" entry,
// which also emits the CSS the script imports), the browser route serves them under /assets/.
// Nothing secret in them. Change a name here and in esbuild.mjs together (the Chromium test
// serves the files by these names, so a mismatch fails it).
import { join } from 'node:path';

export const WEB_PAGE_ASSETS = {
  script: 'web.js',
  style: 'web.css',
} as const;

/** Where the built files are, relative to the package root (dist/ sits next to dist/media/). */
export const WEB_ASSET_FOLDER = join('dist', 'media');

/** The folder with the built files, from a bundle in dist/ (the CLI, the extension). */
export function webAssetFolder(bundleDir: string): string {
  return join(bundleDir, 'media');
}
