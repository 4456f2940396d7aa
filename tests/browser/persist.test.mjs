// Browser test: nothing is lost and bad input is refused. Real mouse clicks; the app's
// read-only state (window.bplState()) is read to check. In one browser profile:
//   train, pause (autosave) → reload → "Restore it" → the same weights and history, training resumes;
//   File → Save the model downloads a .bplm; a corrupt file dropped on the page is refused and
//   the model stays; a shared link applies its settings; an invalid link is reported and ignored.
// Usage: node tests/browser/persist.test.mjs SITE_DIR SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
const shots = path.resolve(process.argv[3] || path.join(here, '../../build/screenshots'));
fs.mkdirSync(shots, { recursive: true });
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) { passed++; console.log('  ok: ' + what); } else { failed++; console.log('  FAILED: ' + what); } };

const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), site, '0']);
const url = await new Promise((resolve) => server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/\S+/); if (m) resolve(m[0]); }));
const profile = fs.mkdtempSync('/tmp/bpl-profile-');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', acceptDownloads: true, viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const state = () => page.evaluate(() => window.bplState && window.bplState());
  const center = (r) => [r[0] + r[2] / 2, r[1] + r[3] / 2];
  const ready = () => page.waitForFunction(() => window.bplState && window.bplState() && window.bplState().data_ready, null, { timeout: 30000 });
  const until = (fn, arg, ms = 30000) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);

  await page.goto(url);
  await ready();
  let s = await state();
  check(s.restore_offer === '', 'a fresh profile offers nothing to restore');
  await page.mouse.click(...center(s.ui.start));
  check(await until(() => window.bplState().epoch >= 2), 'trained two epochs');
  s = await state();
  await page.mouse.click(...center(s.ui.start));   // Pause: autosaves
  await until(() => window.bplState().state === 'paused');
  await page.waitForTimeout(800);
  const before = await state();
  await page.screenshot({ path: path.join(shots, 'persist-before-reload.png') });

  await page.reload();
  await ready();
  check(await until(() => window.bplState().restore_offer !== '' && window.bplState().ui.restore_yes), 'after a reload the app offers to restore the session');
  await page.screenshot({ path: path.join(shots, 'persist-restore-offer.png') });
  s = await state();
  await page.mouse.click(...center(s.ui.restore_yes));
  await until(() => window.bplState().history_epochs > 0);
  s = await state();
  check(s.weights_hash === before.weights_hash && s.epoch === before.epoch && s.test_accuracy === before.test_accuracy,
    `reload restores the model: weights ${s.weights_hash} (before ${before.weights_hash}), epoch ${s.epoch}, test accuracy ${s.test_accuracy}`);
  await page.mouse.click(...center(s.ui.start));   // Resume
  check(await until((e) => window.bplState().epoch > e, before.epoch), 'training resumes from the restored epoch');
  s = await state();
  await page.mouse.click(...center(s.ui.start));
  await until(() => window.bplState().state === 'paused');
  await page.screenshot({ path: path.join(shots, 'persist-resumed.png') });

  // File → Save the model: a .bplm download
  s = await state();
  await page.mouse.click(...center(s.ui.menu_file));
  await page.waitForTimeout(300);
  const dl = page.waitForEvent('download', { timeout: 10000 });
  await page.mouse.click(...center((await state()).ui.menu_save));
  let saved = null;
  try { saved = fs.readFileSync(await (await dl).path()); } catch (e) { }
  check(saved && saved.subarray(0, 4).toString() === 'BPLM' && saved.length > 1000, `File → Save the model downloads a .bplm (${saved ? saved.length : 0} bytes)`);

  // a corrupt model dropped on the page: refused, the model stays
  const hashBefore = (await state()).weights_hash;
  const corrupt = Array.from(saved || []);
  if (corrupt.length > 100) corrupt[60] ^= 0xff;
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'corrupt.bplm'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, corrupt);
  await page.waitForTimeout(500);
  s = await state();
  check(s.notice.includes('could not load corrupt.bplm') && s.weights_hash === hashBefore, `a corrupt file is refused: "${s.notice}"`);
  // the good file dropped: loads
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'saved.bplm'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, Array.from(saved || []));
  await page.waitForTimeout(500);
  s = await state();
  check(s.notice.startsWith('loaded saved.bplm') && s.weights_hash === hashBefore, `the saved file dropped on the page loads: "${s.notice}"`);

  // shareable links
  await page.goto(url + '#training.optimizer=momentum&training.learning_rate=0.005&training.batch_size=64&model.layers=' +
    encodeURIComponent('dense(64), tanh, dense(10)'));
  await page.reload();   // a link opened afresh (goto with only a new #hash does not reload)
  await ready();
  s = await state();
  check(s.lr === 0.005 && s.batch_size === 64 && s.optimizer === 'momentum' && s.layers === 'dense(64), tanh, dense(10)',
    `a shared link applies its settings (lr ${s.lr}, batch ${s.batch_size}, ${s.optimizer}, ${s.layers})`);
  await page.goto(url + '#training.batch_size=0&training.learning_rate=0.3');
  await page.reload();
  await ready();
  s = await state();
  check(s.notice.includes('ignored') && s.batch_size !== 0 && s.lr !== 0.3, `an invalid link is reported and ignored: "${s.notice}"`);
  await page.screenshot({ path: path.join(shots, 'persist-bad-link.png') });
  check(errors.length === 0, 'no page errors' + (errors.length ? ': ' + errors.join(' | ') : ''));
} catch (e) {
  check(false, 'persistence test crashed: ' + e.message);
} finally {
  await context.close();
  server.kill();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
