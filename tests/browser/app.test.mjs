// Browser test of the app: served on 127.0.0.1, driven in headless Debian Chromium with real
// mouse clicks. Reads the app's read-only JSON state (window.bplState()) to check results.
// Prints one "ok"/"FAILED" line per check and "browser: N passed, M failed" at the end.
// Usage: node tests/browser/app.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('browser');
const { page, url, check, state, center } = t;
try {

  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.bplState && window.bplState() && window.bplState().data_ready, null, { timeout: 30000 });
  let s = await state();
  check(s.train_size === 10000 && s.test_size === 2000, `data loaded (${s.data_status}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  check(s.state === 'idle' && s.ui && s.ui.start, 'app ready, Start button on screen');
  await t.shot('app-browser-ready.png');

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
  await t.shot('app-browser-training.png');

  s = await state();
  const [px, py] = center(s.ui.start);
  await page.mouse.click(px, py);
  await page.waitForTimeout(300);
  const b1 = (await state()).batches;
  await page.waitForTimeout(1500);
  s = await state();
  check(s.state === 'paused' && s.batches === b1, `Pause stops the batch counter (${b1} → ${s.batches}, state ${s.state})`);
  await t.shot('app-browser-paused.png');
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
    if (name === 'Fashion-MNIST') await t.shot('app-browser-fashion.png');
  }
  await t.finish();
} catch (e) {
  await t.finish(e);
}
