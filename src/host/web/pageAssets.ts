// The browser page's static files: esbuild.mjs builds them into dist/media/ from media/web.ts
// (its "web" entry, which also emits the CSS the script imports); the browser route serves them
// under /assets/. Nothing secret in them. Change a name here and in esbuild.mjs together (the
// Chromium test serves the files by these names, so a mismatch fails it).
export const WEB_PAGE_ASSETS = {
  script: 'web.js',
  style: 'web.css',
} as const;
