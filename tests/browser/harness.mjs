// What every browser script shares: the site served on 127.0.0.1 (scripts/serve.mjs), Debian's
// Chromium headless with software WebGL, "ok"/"FAILED" lines and their count, input helpers
// that go through real mouse and keyboard events, and waits on the app's read-only state
// (window.bplState()) instead of fixed delays.
//   const t = await openApp('name', { width, height });   // t.page, t.url, t.check, t.state, t.until, …
//   … await t.finish()   prints "name: N passed, M failed" and exits non-zero on a failure
// Pages other than the app: startServer(), launchChromium(), checks() on their own.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const site = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
export const shots = path.resolve(process.argv[3] || path.join(here, '../../build/screenshots'));
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader'];

// scripts/serve.mjs on a free port; resolves to { url, stop } once it prints its address
export async function startServer(dir = site) {
  const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), dir, '0']);
  let out = '';
  const url = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { out += d; const m = out.match(/http:\/\/\S+/); if (m) resolve(m[0]); });
    server.stderr.on('data', (d) => { out += d; });
    server.on('exit', (code) => reject(new Error(`scripts/serve.mjs exited (${code}) before serving: ${out}`)));
  });
  return { url, stop: () => server.kill() };
}

// Debian's Chromium: a browser, or with `profile` a persistent context in that folder
// (IndexedDB survives reloads); options go to playwright (viewport, acceptDownloads, …)
export async function launchChromium({ profile = null, ...options } = {}) {
  if (profile) return chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, ...options });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

// "ok"/"FAILED" lines and their count; done() prints "name: N passed, M failed" and exits
export function checks(name) {
  let passed = 0, failed = 0;
  const check = (ok, what) => {
    if (ok) { passed++; console.log('  ok: ' + what); } else { failed++; console.log('  FAILED: ' + what); }
    return !!ok;
  };
  // exit: false returns the number of failures instead of exiting (several apps in one script)
  const done = ({ exit = true } = {}) => {
    // a script whose checks never ran has proved nothing
    if (passed + failed === 0) check(false, `${name}: no check ran`);
    console.log(`${name}: ${passed} passed, ${failed} failed`);
    if (exit) process.exit(failed ? 1 : 0);
    return failed;
  };
  return { check, done };
}

// the fields that say where the app is, for a failure message
const where = (s) => {
  if (!s) return 'no state yet (the runtime is not ready)';
  const keys = ['state', 'data_ready', 'data_status', 'view', 'epoch', 'batches', 'notice', 'restore_offer'];
  const w = Object.fromEntries(keys.filter((k) => k in s).map((k) => [k, s[k]]));
  if (s.stepper) w.stepper = { op: s.stepper.op, kind: s.stepper.kind, playing: s.stepper.playing, ready: s.stepper.ready };
  return JSON.stringify(w);
};

// Opens a page for the app (not yet navigated: t.page.goto(t.url + …)).
// options.persistent: a fresh browser profile kept across reloads (removed by finish)
// options.device: playwright's deviceScaleFactor, hasTouch, isMobile (a phone or tablet)
// options.serve: starts the server instead of scripts/serve.mjs (resolves to { url, stop })
export async function openApp(name, viewport = { width: 1280, height: 800 },
  { persistent = false, acceptDownloads = false, device = {}, serve = startServer } = {}) {
  fs.mkdirSync(shots, { recursive: true });
  const { check, done } = checks(name);
  const server = await serve(site);
  const url = server.url;
  const profile = persistent ? fs.mkdtempSync(path.join(os.tmpdir(), 'bpl-profile-')) : null;
  const browser = await launchChromium(persistent ? { profile, viewport, acceptDownloads, ...device } : {});
  const page = persistent ? (browser.pages()[0] || await browser.newPage()) : await browser.newPage({ viewport, acceptDownloads, ...device });
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  const state = () => page.evaluate(() => window.bplState && window.bplState());
  const center = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];
  // n browser frames (requestAnimationFrame): the app's main loop runs once per frame
  const frames = (n = 3) => page.evaluate((k) => new Promise((res) => {
    const f = () => (k-- <= 0 ? res() : requestAnimationFrame(f)); f();
  }), n);
  // Waits until pred(state, arg) holds, checked in the page every frame; pred runs in the page,
  // so it sees only its arguments. Returns the state; on timeout throws with where the app was,
  // or with soft: prints that and returns the state as it is (for the check that follows to fail).
  const until = async (pred, arg = null, { timeout = 30000, what = String(pred), soft = false } = {}) => {
    const expr = `(() => { const s = window.bplState && window.bplState(); return !!s && !!(${pred})(s, ${JSON.stringify(arg)}); })()`;
    try {
      await page.waitForFunction(expr, null, { timeout, polling: 'raf' });
    } catch (e) {
      let s = null;
      try { s = await state(); } catch (_) { }
      const msg = `timed out after ${timeout / 1000} s waiting for ${what}; the app: ${where(s)}`;
      if (!soft) throw new Error(msg);
      console.log('  ' + msg);
      return s;
    }
    return state();
  };
  // The same for a condition only a page function can answer (it may be async, e.g. IndexedDB):
  // evaluated every 2 frames until truthy; returns its value.
  const untilPage = async (fn, arg = null, { timeout = 30000, what = String(fn) } = {}) => {
    const t0 = Date.now();
    for (;;) {
      const v = await page.evaluate(fn, arg);
      if (v) return v;
      if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; the app: ${where(await state())}`);
      await frames(2);
    }
  };
  // ImGui reads input once per frame: press and release a couple of frames apart, as a hand does
  // (a zero-length click or key press can fall between two frames)
  const click = async (x, y) => {
    await page.mouse.move(x, y); await frames(2);
    await page.mouse.down(); await frames(2);
    await page.mouse.up(); await frames(2);
  };
  // a finger: touch start and end a couple of frames apart, no pointer before or after
  const tap = async (x, y) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] }); await frames(2);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }); await frames(2);
    await cdp.detach();
  };
  // held for one frame: on a loaded machine two frames can outlast the key-repeat delay (a
  // second, repeated press)
  const key = async (k) => {
    await page.keyboard.down(k); await frames(1);
    await page.keyboard.up(k); await frames(2);
  };
  const ready = () => until((s) => s.data_ready, null, { timeout: 30000, what: 'the data to load (data_ready)' });
  const shot = (file) => page.screenshot({ path: path.join(shots, file) });
  const finish = async (crash, { exit = true } = {}) => {
    if (crash) check(false, `${name} test crashed: ` + (crash.stack || crash));
    else check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''}`);
    await browser.close();
    server.stop();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
    return done({ exit });
  };
  return { page, url, browser, check, state, center, frames, until, untilPage, click, tap, key, ready, shot, finish, errors };
}
