// Hosted anywhere, works offline (issue 13, point 7). The built site is served the way GitHub
// Pages or a university server would: from a sub-path (/course/backprop/), gzip-compressed
// (Content-Encoding, so Content-Length is the compressed size), with ETags. Checks:
//   - the site folder holds exactly what a visitor needs; every request stays under the sub-path
//   - the loader's and the data's progress never pass 100% and show the real (uncompressed) totals
//   - after one visit, with the server stopped, a reload starts the app from the service worker
//     and it trains; the bytes a first visit downloads are printed
//   - a new version published on the host: the service worker installs it (downloading only the
//     changed files), deletes the old cache, the page says "a new version is ready", and the next
//     reload runs it
// Usage: node tests/browser/offline.test.mjs SITE_DIR SCREENSHOT_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { openApp, site } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const prefix = '/course/backprop/';
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.gz': 'application/gzip' };
const compressible = new Set(['.html', '.js', '.wasm']);  // what GitHub Pages gzips (not .gz files)

// The host: `dir` under `prefix` on 127.0.0.1:port; log() lists what was sent (path, status,
// bytes on the wire, file size, encoding); hold(file) keeps that file's requests waiting until
// the function it returns is called.
function host(dir, port = 0) {
  let log = [];
  const sockets = new Set(), held = new Map();
  const server = http.createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (held.has(p)) await held.get(p).promise;
    const entry = { path: p, status: 404, wire: 0, size: 0, encoding: '' };
    log.push(entry);
    if (!p.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let rel = p.slice(prefix.length) || 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
    const st = fs.statSync(file), ext = path.extname(file);
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const head = { 'Cache-Control': 'max-age=0, must-revalidate', ETag: etag, 'Content-Type': types[ext] || 'application/octet-stream' };
    entry.size = st.size;
    if (req.headers['if-none-match'] === etag) { entry.status = 304; res.writeHead(304, head).end(); return; }
    let body = fs.readFileSync(file);
    if (compressible.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body);
      head['Content-Encoding'] = entry.encoding = 'gzip';
    }
    head['Content-Length'] = body.length;
    entry.status = 200;
    entry.wire = body.length;
    // at school Wi-Fi pace (64 KB every 20 ms, ~3 MB/s), so that progress shows over several frames
    res.writeHead(200, head);
    for (let o = 0; o < body.length; o += 65536) {
      res.write(body.subarray(o, o + 65536));
      await new Promise((r) => setTimeout(r, 20));
    }
    res.end();
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}${prefix}`;
    resolve({
      url, port: server.address().port,
      log: () => log,
      hold: (file) => {
        let release;
        const promise = new Promise((r) => { release = r; });
        held.set(prefix + file, { promise });
        return () => { held.delete(prefix + file); release(); };
      },
      stop: () => new Promise((done) => { server.close(done); for (const s of sockets) s.destroy(); }),
    });
  }));
}

let server = null;
const t = await openApp('offline', { width: 1280, height: 800 }, { serve: async (dir) => (server = await host(dir)) });
const { page, check, state, center, until, untilPage } = t;
const mb = (n) => (n / 1e6).toFixed(1);
try {
  // ---- the folder: exactly what a visitor needs
  const files = fs.readdirSync(site, { recursive: true }).filter((f) => fs.statSync(path.join(site, f)).isFile()).sort();
  const extra = files.filter((f) => !/^(index\.html|app\.js|app\.wasm|sw\.js|data\/[\w-]+\.idx\.gz)$/.test(f));
  check(extra.length === 0 && files.includes('sw.js') && files.includes('app.wasm'),
    `the site holds the page, app.js, app.wasm, sw.js and data/ only (${files.length} files${extra.length ? '; also ' + extra.join(', ') : ''})`);
  const size = (f) => fs.statSync(path.join(site, f)).size;
  const sw = fs.readFileSync(path.join(site, 'sw.js'), 'utf8');
  const version = (sw.match(/const VERSION = '([0-9a-f]{16})'/) || [])[1];
  check(!!version, `sw.js carries the version (${version})`);

  // ---- first visit: the progress shown while loading, recorded every few milliseconds
  await page.addInitScript(() => {
    window.progressLog = [];
    const look = () => {
      const bar = document.getElementById('progress'), what = document.getElementById('what');
      const s = window.bplState && window.bplState();
      const row = [bar ? bar.style.width : '', what ? what.textContent : '', s ? s.data_status : ''];
      const last = window.progressLog[window.progressLog.length - 1];
      if (!last || row.some((v, i) => v !== last[i])) window.progressLog.push(row);
    };
    setInterval(look, 4);
  });
  await page.goto(t.url);
  let s = await t.ready();
  check(s.train_size === 10000 && s.test_size === 2000, `served from ${prefix}: the app loads its data (${s.data_status})`);
  const log = server.log();
  const gz = log.find((e) => e.path === prefix + 'app.wasm');
  check(gz && gz.encoding === 'gzip' && gz.wire < gz.size,
    `the host compresses: app.wasm ${mb(gz ? gz.wire : 0)} MB on the wire, Content-Length ${gz && gz.wire}, ${mb(size('app.wasm'))} MB decoded`);
  const outside = log.filter((e) => !e.path.startsWith(prefix));
  check(outside.length === 0, `every request stays under ${prefix}${outside.length ? ': ' + outside.map((e) => e.path).join(', ') : ''}`);
  const missing = log.filter((e) => e.status === 404);
  check(missing.length === 0, `no request fails${missing.length ? ': ' + missing.map((e) => e.path).join(', ') : ''}`);

  const progress = await page.evaluate(() => window.progressLog);
  const widths = progress.map((r) => parseFloat(r[0])).filter((w) => !Number.isNaN(w));
  check(widths.length > 2 && Math.max(...widths) <= 100, `the loader's bar never passes 100% (max ${Math.max(...widths)}%, ${widths.length} steps)`);
  const wasmText = progress.map((r) => r[1]).filter((x) => /MB of/.test(x));
  const wasmMB = mb(size('app.wasm'));
  check(wasmText.length > 0 && wasmText.every((x) => x.endsWith(`of ${wasmMB} MB`)) &&
    wasmText.every((x) => parseFloat(x.match(/([\d.]+) MB of/)[1]) <= parseFloat(wasmMB)),
  `the loader counts up to the real size: "${wasmText[wasmText.length - 1]}" (app.wasm is ${wasmMB} MB)`);
  const dataMB = mb(['train-10k-images', 'train-10k-labels', 'test-2k-images', 'test-2k-labels']
    .reduce((a, f) => a + size(`data/mnist-${f}.idx.gz`), 0));
  const dataText = progress.map((r) => r[2]).filter((x) => /^downloading/.test(x));
  check(dataText.length > 0 && dataText.every((x) => x.endsWith(`of ${dataMB} MB`)),
    `the data's progress shows the real total: "${dataText[dataText.length - 1]}" (${dataMB} MB)`);

  // ---- the service worker keeps this version; what a first visit downloads in all
  const sw1 = await untilPage(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return r && r.active && r.active.state === 'activated' && navigator.serviceWorker.controller ? r.scope : null;
  }, null, { timeout: 60000, what: 'the service worker to install and take over' });
  check(sw1 === t.url, `the service worker's scope is the sub-path (${sw1})`);
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const out = {};
    for (const k of keys) out[k] = (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname);
    return out;
  });
  const names = Object.keys(cached);
  check(names.length === 1 && names[0].endsWith(' ' + version) && cached[names[0]].length === 7,
    `one cache, this version's, with the page, app.js, app.wasm and the 4 default data files (${JSON.stringify(cached)})`);
  const first = server.log().filter((e) => e.status === 200);
  const wire = first.reduce((a, e) => a + e.wire, 0), decoded = first.reduce((a, e) => a + e.size, 0);
  const twice = first.map((e) => e.path).filter((p, i, all) => all.indexOf(p) !== i);
  check(twice.length === 0, `nothing is downloaded twice on a first visit (the worker's install revalidates: ${server.log().filter((e) => e.status === 304).length} × 304)${twice.length ? ': ' + twice.join(', ') : ''}`);
  console.log(`  first visit: ${first.length} files, ${wire} bytes on the wire (${mb(wire)} MB gzip), ${decoded} bytes decoded (${mb(decoded)} MB)`);
  for (const e of first) console.log(`    ${(e.path.slice(prefix.length) || '(the folder: index.html)').padEnd(36)} ${String(e.wire).padStart(9)} ${String(e.size).padStart(9)} ${e.encoding}`);

  // ---- offline: the server stopped, a reload runs from the service worker, and trains
  const port = server.port;
  await server.stop();
  let down = false;
  try { await fetch(t.url); } catch { down = true; }
  check(down, 'the server is stopped (a request to it fails)');
  await page.reload();
  s = await t.ready();
  check(s.train_size === 10000 && s.state === 'idle', `offline, a reload starts the app with its data (${s.data_status})`);
  await t.click(...center(s.ui.start));
  s = await until((x) => x.batches > 20, null, { timeout: 30000, what: 'training offline', soft: true });
  check(s.state === 'training' && s.batches > 20, `offline, Start trains (${s.batches} batches, state ${s.state})`);
  await t.shot('offline-reload-training.png');
  await t.click(...center(s.ui.start));
  await until((x) => x.state !== 'training', null, { timeout: 10000, what: 'Pause' });

  // ---- a new version: the same host and port, one file changed, the site script run again
  const v2 = fs.mkdtempSync(path.join(os.tmpdir(), 'bpl-site-v2-'));
  const src2 = path.join(v2, 'src'), site2 = path.join(v2, 'site');
  fs.mkdirSync(path.join(src2, 'web'), { recursive: true });
  fs.cpSync(site, site2, { recursive: true });
  fs.writeFileSync(path.join(src2, 'index.html'), fs.readFileSync(path.join(root, 'index.html'), 'utf8').replace('</body>', '<!-- version 2 -->\n</body>'));
  fs.copyFileSync(path.join(root, 'web/sw.js'), path.join(src2, 'web/sw.js'));
  execFileSync('cmake', [`-DSRC=${src2}`, `-DSITE=${site2}`, `-DDATA=${path.join(site, 'data')}`,
    '-DDEFAULT_DATA=mnist-train-10k,mnist-test-2k', '-P', path.join(root, 'web/site.cmake')], { stdio: 'pipe' });
  const version2 = (fs.readFileSync(path.join(site2, 'sw.js'), 'utf8').match(/const VERSION = '([0-9a-f]{16})'/) || [])[1];
  check(version2 && version2 !== version, `the site script gives the changed site a new version (${version} → ${version2})`);
  server = await host(site2, port);
  // the old version starts from its cache; the browser finds the new sw.js — held back until the
  // app runs (a version that takes over while the page is still loading reloads it at once)
  const release = server.hold('sw.js');
  await page.reload();
  s = await t.ready();
  release();
  s = await until((x) => /new version/.test(x.notice), null, { timeout: 60000, what: 'the new-version notice', soft: true });
  check(/new version .* ready/.test(s.notice), `the page says so: "${s.notice}"`);
  await t.shot('offline-update-notice.png');
  const got = [...new Set(server.log().filter((e) => e.status === 200).map((e) => e.path.slice(prefix.length) || 'index.html'))].sort();
  check(JSON.stringify(got) === JSON.stringify(['index.html', 'sw.js']),
    `the update downloads only what changed (${got.join(', ')}); the rest comes from the old cache by hash`);
  // the new worker deletes the old cache as it activates (the page hears of it as that begins)
  const names2 = await untilPage(async () => { const k = await caches.keys(); return k.length === 1 ? k : null; }, null,
    { timeout: 30000, what: 'the old cache to go' }).catch(async () => page.evaluate(async () => caches.keys()));
  check(names2.length === 1 && names2[0].endsWith(' ' + version2), `the old cache is deleted (${JSON.stringify(names2)})`);
  await page.reload();
  s = await t.ready();
  const html = await page.content();
  check(html.includes('<!-- version 2 -->') && s.data_ready, 'the next reload runs the new version');
  await t.shot('offline-new-version.png');
  fs.rmSync(v2, { recursive: true, force: true });
  await t.finish();
} catch (e) {
  await t.finish(e);
}
