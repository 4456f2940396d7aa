// Browser test of the app: served on 127.0.0.1, driven in headless Debian Chromium with real
// mouse clicks. Reads the app's read-only JSON state (window.bplState()) to check results.
// Prints one "ok"/"FAILED" line per check and "browser: N passed, M failed" at the end.
// Usage: node tests/browser/app.test.mjs SITE_DIR SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
const shots = path.resolve(process.argv[3] || path.join(here, '../../build/screenshots'));
fs.mkdirSync(shots, { recursive: true });
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader'];

let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) { passed++; console.log('  ok: ' + what); } else { failed++; console.log('  FAILED: ' + what); } };

const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), site, '0']);
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/\S+/); if (m) resolve(m[0]); });
  server.on('exit', () => reject(new Error('server exited')));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  const state = () => page.evaluate(() => window.bplState && window.bplState());
  const center = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];

  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.bplState && window.bplState() && window.bplState().data_ready, null, { timeout: 30000 });
  let s = await state();
  check(s.train_size === 10000 && s.test_size === 2000, `data loaded (${s.data_status}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  check(s.state === 'idle' && s.ui && s.ui.start, 'app ready, Start button on screen');
  await page.screenshot({ path: path.join(shots, 'app-browser-ready.png') });

  const [sx, sy] = center(s.ui.start);
  await page.mouse.click(sx, sy);
  await page.waitForTimeout(500);
  s = await state();
  check(s.state === 'training', `a real click on Start begins training (state: ${s.state}, preset ${s.preset})`);

  const tStart = Date.now();
  let acc = 0;
  while (Date.now() - tStart < 60000) {
    await page.waitForTimeout(1000);
    s = await state();
    acc = s.test_accuracy || 0;
    if (acc > 0.9) break;
  }
  const secs = (Date.now() - tStart) / 1000;
  check(acc > 0.9, `test accuracy ${(100 * acc).toFixed(2)}% > 90% after ${secs.toFixed(1)} s (epoch ${s.epoch}, ` +
    `${Math.round(s.images_per_sec)} img/s with the UI, ${s.fps.toFixed(0)} fps, frame p95 ${s.frame_p95_ms.toFixed(1)} ms)`);
  await page.screenshot({ path: path.join(shots, 'app-browser-training.png') });

  s = await state();
  const [px, py] = center(s.ui.start);
  await page.mouse.click(px, py);
  await page.waitForTimeout(300);
  const b1 = (await state()).batches;
  await page.waitForTimeout(1500);
  s = await state();
  check(s.state === 'paused' && s.batches === b1, `Pause stops the batch counter (${b1} → ${s.batches}, state ${s.state})`);
  await page.screenshot({ path: path.join(shots, 'app-browser-paused.png') });
  // switch the data set through the Data menu: Fashion-MNIST, then back to MNIST
  for (const [item, name] of [['data_2', 'Fashion-MNIST'], ['data_0', 'MNIST']]) {
    s = await state();
    await page.mouse.click(...center(s.ui.menu_data));
    await page.waitForTimeout(300);
    s = await state();
    await page.mouse.click(...center(s.ui[item]));
    await page.waitForFunction((n) => window.bplState().dataset === n && window.bplState().data_ready, name, { timeout: 30000 })
      .catch(() => {});
    s = await state();
    check(s.dataset === name && s.train_size === 10000 && s.state === 'idle',
      `Data menu → ${name}: ${s.data_status} (state ${s.state})`);
    if (name === 'Fashion-MNIST') await page.screenshot({ path: path.join(shots, 'app-browser-fashion.png') });
  }
  check(errors.length === 0, 'no console errors' + (errors.length ? ': ' + errors.slice(0, 3).join(' | ') : ''));
} catch (e) {
  check(false, 'browser test crashed: ' + e.message);
} finally {
  await browser.close();
  server.kill();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
