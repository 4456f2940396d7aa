// Backprop Lab's service worker: after one visit the app and the default data work offline.
// Hand-written (about 100 lines; no Debian or npm package fits a build that runs no bundler).
// web/site.cmake fills in, at build time:
//   VERSION   a hash of the built files (and of this file): a new build is a new version
//   PRECACHE  the files a visitor needs, relative to the app's folder, with size and SHA-256
// Strategy: everything precached is served from the cache of this version (cache first, so an
// offline reload works and the files always belong together); other files under the app's
// folder go to the network, and data sets fetched that way are kept for offline use too.
// A new version installs beside the running one, then takes over (skipWaiting + claim) and
// deletes the old caches; the page then says "a new version is ready: reload" (index.html).
'use strict';
const VERSION = '@BPL_VERSION@';
const PRECACHE = @BPL_PRECACHE@;

// the folder the app is served from (any host, any sub-path): caches are per folder, so two
// copies of the app on one host (e.g. two courses) never delete each other's
const SCOPE = self.registration.scope;
const PREFIX = 'bpl ' + SCOPE + ' ';
const CACHE = PREFIX + VERSION;
const at = (path) => new URL(path, SCOPE).href;

async function sha256(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

// A file with the hash the build wrote down: from an older version's cache when unchanged there,
// else from the network (revalidated, so a host's ETag spares the download the page just made).
// A host or proxy still serving an older file fails the check, and so the install: the browser
// tries again on the next visit, and the running version stays as it was.
async function fetchChecked(file, olderCaches) {
  const url = at(file.path);
  for (const c of olderCaches) {
    const r = await c.match(url);
    if (r && r.headers.get('X-Bpl-Sha256') === file.sha256) return r;
  }
  // the page as the visitor opened it (the folder) first: that one is in the HTTP cache
  let why = '';
  for (const u of file.path === 'index.html' ? [SCOPE, url] : [url]) {
    const r = await fetch(u, { cache: 'no-cache' });
    if (!r.ok) { why = `${r.status} ${r.statusText}`; continue; }
    const body = await r.arrayBuffer();
    const hash = await sha256(body);
    if (hash !== file.sha256) { why = `the host serves another version (SHA-256 ${hash.slice(0, 12)}…, this version has ${file.sha256.slice(0, 12)}…)`; continue; }
    // the body is stored decoded: its length is the file's size, whatever the host compressed
    return new Response(body, { headers: {
      'Content-Type': r.headers.get('Content-Type') || 'application/octet-stream',
      'Content-Length': String(body.byteLength), 'X-Bpl-Sha256': hash } });
  }
  throw new Error(`${file.path}: ${why}`);
}

self.addEventListener('install', (event) => event.waitUntil((async () => {
  const names = (await caches.keys()).filter((k) => k.startsWith(PREFIX) && k !== CACHE);
  const older = await Promise.all(names.map((k) => caches.open(k)));
  const cache = await caches.open(CACHE);
  for (const file of PRECACHE) await cache.put(at(file.path), await fetchChecked(file, older));
  await self.skipWaiting();
})()));

self.addEventListener('activate', (event) => event.waitUntil((async () => {
  for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
  await self.clients.claim();
})()));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(SCOPE)) return;  // not ours: the browser as usual
  const path = new URL(req.url).pathname, scopePath = new URL(SCOPE).pathname;
  // the app's page, whatever its query (?bench=…) or hash (#settings)
  const page = req.mode === 'navigate' && (path === scopePath || path === scopePath + 'index.html');
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(page ? at('index.html') : req.url, { ignoreSearch: page });
    if (hit) return hit;
    const res = await fetch(req);
    // another data set (the Data menu): kept with this version for offline use
    if (res.ok && path.startsWith(scopePath + 'data/')) {
      const body = await res.arrayBuffer();
      const headers = { 'Content-Type': res.headers.get('Content-Type') || 'application/octet-stream',
        'Content-Length': String(body.byteLength) };
      await cache.put(req.url, new Response(body, { headers }));
      return new Response(body, { headers });
    }
    return res;
  })());
});
