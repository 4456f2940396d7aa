// What every browser test shares: the site served on 127.0.0.1 (scripts/serve.mjs), Debian's
// Chromium headless with software WebGL, "ok"/"FAILED" lines, and input helpers that go
// through real mouse and keyboard events. The app's read-only state is window.bplState().
//   const t = await openApp('name', { width, height });   // t.page, t.url, t.check, t.state, …
//   … t.finish()  prints "name: N passed, M failed" and exits
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const site = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
export const shots = path.resolve(process.argv[3] || path.join(here, '../../build/screenshots'));
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader'];

export async function openApp(name, viewport = { width: 1280, height: 800 }) {
  fs.mkdirSync(shots, { recursive: true });
  let passed = 0, failed = 0;
  const check = (ok, what) => { if (ok) { passed++; console.log('  ok: ' + what); } else { failed++; console.log('  FAILED: ' + what); } };
  const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), site, '0']);
  const url = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/\S+/); if (m) resolve(m[0]); });
    server.on('exit', () => reject(new Error('server exited')));
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  const state = () => page.evaluate(() => window.bplState && window.bplState());
  const center = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];
  const frames = (n = 3) => page.evaluate((k) => new Promise((res) => {
    const f = () => (k-- <= 0 ? res() : requestAnimationFrame(f)); f();
  }), n);
  // ImGui reads input once per frame: press and release a couple of frames apart, as a hand does
  // (a zero-length click or key press can fall between two frames)
  const click = async (x, y) => {
    await page.mouse.move(x, y); await frames(2);
    await page.mouse.down(); await frames(2);
    await page.mouse.up(); await frames(2);
  };
  const key = async (k) => {
    await page.keyboard.down(k); await frames(2);
    await page.keyboard.up(k); await frames(2);
  };
  const ready = () => page.waitForFunction(() => window.bplState && window.bplState() && window.bplState().data_ready, null, { timeout: 30000 });
  const shot = (file) => page.screenshot({ path: path.join(shots, file) });
  const finish = async (crash) => {
    if (crash) check(false, `${name} test crashed: ` + (crash.stack || crash));
    else check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''}`);
    await browser.close();
    server.kill();
    console.log(`${name}: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  };
  return { page, url, browser, check, state, center, frames, click, key, ready, shot, finish, errors };
}
