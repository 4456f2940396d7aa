// Browser test of the app: served on 127.0.0.1, driven in headless Debian Chromium with real
// mouse clicks. Reads the app's read-only JSON state (window.bplState()) to check results.
// Prints one "ok"/"FAILED" line per check and "app: N passed, M failed" at the end.
// Waits on the state (t.until), never on fixed delays.
// Usage: node tests/browser/app.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('app');
const { page, url, check, state, center, click, frames, until } = t;
try {

  const t0 = Date.now();
  await page.goto(url);
  let s = await t.ready();
  check(s.train_size === 10000 && s.test_size === 2000, `data loaded (${s.data_status}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  check(s.state === 'idle' && s.ui && s.ui.start, 'app ready, Start button on screen');
  await t.shot('app-browser-ready.png');

  await click(...center(s.ui.start));
  s = await until((x) => x.state !== 'idle', null, { timeout: 5000, what: 'the app to leave idle after a click on Start', soft: true });
  check(s.state === 'training', `a real click on Start begins training (state: ${s.state}, preset ${s.preset})`);

  const tStart = Date.now();
  s = await until((x) => x.test_accuracy > 0.9, null, { timeout: 60000, what: 'test accuracy > 90%', soft: true });
  const secs = (Date.now() - tStart) / 1000;
  const acc = s.test_accuracy || 0;
  check(acc > 0.9, `test accuracy ${(100 * acc).toFixed(2)}% > 90% after ${secs.toFixed(1)} s (epoch ${s.epoch}, ` +
    `${Math.round(s.images_per_sec)} img/s with the UI, ${s.fps.toFixed(0)} fps, frame p95 ${s.frame_p95_ms.toFixed(1)} ms)`);
  await t.shot('app-browser-training.png');

  // Pause: the state says paused, and over the next 90 frames (1.5 s at 60 Hz) no batch runs
  s = await state();
  await click(...center(s.ui.start));
  s = await until((x) => x.state !== 'training', null, { timeout: 5000, what: 'training to stop after a click on Pause', soft: true });
  const b1 = s.batches;
  await frames(90);
  s = await state();
  check(s.state === 'paused' && s.batches === b1 && b1 > 0, `Pause stops the batch counter (${b1} → ${s.batches}, state ${s.state})`);
  await t.shot('app-browser-paused.png');
  // switch the data set through the Data menu: Fashion-MNIST, then back to MNIST; the trained
  // model stays (the same 28×28 shape), paused, with its weights and history
  const paused = await state();
  for (const [item, name] of [['data_2', 'Fashion-MNIST'], ['data_0', 'MNIST']]) {
    s = await state();
    await click(...center(s.ui.menu_data));
    s = await until((x, it) => !!x.ui[it], item, { timeout: 5000, what: `the Data menu to show ${item}` });
    await click(...center(s.ui[item]));
    s = await until((x, n) => x.dataset === n && x.data_ready, name, { timeout: 30000, what: `${name} to load`, soft: true });
    check(s.dataset === name && s.train_size === 10000 && s.state === 'paused' && s.weights_hash === paused.weights_hash &&
      s.history_epochs === paused.history_epochs,
      `Data menu → ${name}: ${s.data_status} (state ${s.state}, the model kept: weights ${s.weights_hash})`);
    if (name === 'Fashion-MNIST') await t.shot('app-browser-fashion.png');
  }
  await t.finish();
} catch (e) {
  await t.finish(e);
}
