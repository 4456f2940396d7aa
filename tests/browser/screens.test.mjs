// Browser test: every screen a classroom has. For each of a phone (390×844, touch), a tablet
// (820×1180, touch), a 1366×768 laptop at UI scale 1 and 1.5, a 1024×768 projector at 2× and a
// 1920×1080 screen with device scale 2, it asserts that every primary control the app reports
// (tabs, menus, Start/Pause/Step/Reset, the stepper's controls, the Draw pad and its guess) lies
// inside the window, and that ONE tap (touch) or click (mouse) selects a tab, starts and pauses
// training. Screenshots of each are saved.
// Usage: node tests/browser/screens.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const screens = [
  { name: 'phone-390x844', viewport: { width: 390, height: 844 }, scale: 1, device: { hasTouch: true, isMobile: true, deviceScaleFactor: 3 } },
  { name: 'tablet-820x1180', viewport: { width: 820, height: 1180 }, scale: 1, device: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } },
  { name: 'laptop-1366x768', viewport: { width: 1366, height: 768 }, scale: 1, device: {} },
  { name: 'laptop-1366x768-1.5x', viewport: { width: 1366, height: 768 }, scale: 1.5, device: {} },
  { name: 'projector-1024x768-2x', viewport: { width: 1024, height: 768 }, scale: 2, device: {} },
  { name: 'screen-1920x1080-dpr2', viewport: { width: 1920, height: 1080 }, scale: 1, device: { deviceScaleFactor: 2 } },
];
const only = process.env.BPL_SCREENS ? process.env.BPL_SCREENS.split(',') : null;

let failed = 0;
for (const sc of screens) {
  if (only && !only.some((o) => sc.name.startsWith(o))) continue;
  const touch = !!sc.device.hasTouch;
  const t = await openApp(`screens ${sc.name}`, sc.viewport, { device: sc.device });
  const { page, url, check, state, center, until } = t;
  const press = (r) => (touch ? t.tap(...center(r)) : t.click(...center(r)));
  const W = sc.viewport.width, H = sc.viewport.height;
  // a rectangle [x, y, w, h] wholly inside the window, not empty
  const inside = (r) => r && r[2] > 0 && r[3] > 0 && r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= W + 0.5 && r[1] + r[3] <= H + 0.5;
  const checkInside = (s, names, where) => {
    const bad = names.filter((n) => !inside(s.ui[n])).map((n) => `${n} ${JSON.stringify(s.ui[n] && s.ui[n].map(Math.round))}`);
    check(bad.length === 0, `${where}: ${names.length} controls inside the ${W}×${H} window${bad.length ? '; outside or missing: ' + bad.join(', ') : ''}`);
  };
  const view = async (name) => {
    const s = await state();
    await press(s.ui['tab_' + name]);
    return until((x, v) => x.view === v, name, { timeout: 5000, what: `the ${name} view after one ${touch ? 'tap' : 'click'}`, soft: true });
  };
  try {
    await page.goto(url + `#ui.scale=${sc.scale}&model.preset=r2-mlp&training.epochs=3`);
    let s = await t.ready();
    s = await until((x, k) => Math.abs(x.ui_scale - k) < 1e-6 && x.ui.start, sc.scale, { timeout: 5000, what: `UI scale ${sc.scale}`, soft: true });
    check(Math.abs(s.ui_scale - sc.scale) < 1e-6, `UI scale ${s.ui_scale} from the link`);
    const tabs = ['train', 'stepper', 'inside', 'draw', 'report', 'experiments'].map((v) => 'tab_' + v);
    const menus = ['menu_file', 'menu_data', 'menu_view'];
    checkInside(s, [...tabs, ...menus, 'start', 'step_batch', 'step_epoch', 'reset'], 'Train view');
    await t.shot(`screens-${sc.name}-train.png`);
    // a menu opens with one tap or click, its items inside the window; Escape closes it
    await press(s.ui.menu_file);
    s = await until((x) => x.ui.menu_save, null, { timeout: 5000, what: 'the File menu', soft: true });
    check(!!s.ui.menu_save && inside(s.ui.menu_save), `one ${touch ? 'tap' : 'click'} opens the File menu, inside the window`);
    await t.key('Escape');
    s = await until((x) => !x.ui.menu_save, null, { timeout: 5000, what: 'the menu closed', soft: true });
    check(!s.ui.menu_save, 'Escape closes it');

    // one tap or click on Start trains; one on Pause pauses
    await press(s.ui.start);
    s = await until((x) => x.state === 'training', null, { timeout: 5000, what: 'training after one press of Start', soft: true });
    check(s.state === 'training', `one ${touch ? 'tap' : 'click'} on Start starts training (state ${s.state})`);
    s = await until((x) => x.batches > 5, null, { timeout: 20000, what: 'a few batches', soft: true });
    checkInside(s, ['start', 'step_batch', 'step_epoch', 'reset'], 'Train view while training');
    await press(s.ui.start);
    s = await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'paused after one press of Pause', soft: true });
    check(s.state === 'paused', `one ${touch ? 'tap' : 'click'} on Pause pauses (state ${s.state}, ${s.batches} batches)`);
    if (touch) {
      // a tap on a button with a tooltip: one batch, and no tooltip left standing once the finger is gone
      const before = s.batches;
      await press(s.ui.step_batch);
      await t.frames(4);
      s = await state();
      check(s.batches === before + 1 && !s.tooltip, `one tap on Step batch runs one batch (${before} → ${s.batches}) and leaves no tooltip (${s.tooltip})`);
    }
    await t.shot(`screens-${sc.name}-paused.png`);

    // each view by one tap or click on its tab, its primary controls inside the window
    s = await view('stepper');
    check(s.view === 'stepper', `one ${touch ? 'tap' : 'click'} on the stepper's tab opens it`);
    s = await until((x) => x.stepper && x.stepper.ready && x.ui.stepper_next, null, { timeout: 10000, what: 'the stepper', soft: true });
    checkInside(s, [...tabs, 'stepper_back', 'stepper_next', 'stepper_play', 'stepper_misclassified'], 'Stepper view');
    await t.shot(`screens-${sc.name}-stepper.png`);
    s = await view('draw');
    check(s.view === 'draw', `one ${touch ? 'tap' : 'click'} on the Draw tab opens it`);
    s = await until((x) => x.ui.pad_canvas && x.ui.pad_guess, null, { timeout: 5000, what: 'the pad and its guess', soft: true });
    checkInside(s, [...tabs, 'pad_canvas', 'pad_guess', 'pad_clear'], 'Draw view');
    if (touch) {
      // a finger draws a stroke: touch start, moves, end
      const [cx, cy, cw, ch] = s.ui.pad_canvas;
      const cdp = await page.context().newCDPSession(page);
      const at = (fx, fy) => ({ x: cx + fx * cw, y: cy + fy * ch });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0.5, 0.2)] }); await t.frames(2);
      for (let k = 1; k <= 12; k++) { await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(0.5, 0.2 + 0.6 * k / 12)] }); await t.frames(1); }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }); await t.frames(2);
      await cdp.detach();
      s = await until((x) => !x.pad.empty && x.pad.top >= 0, null, { timeout: 5000, what: 'a prediction for the finger\'s stroke', soft: true });
      check(!s.pad.empty && s.pad.top >= 0, `a finger draws on the pad (guess ${s.pad.top})`);
      check(!!s.ui.pad_guess && inside(s.ui.pad_guess), 'the guess is on screen beside the drawing');
    }
    await t.shot(`screens-${sc.name}-draw.png`);
    for (const v of ['inside', 'report', 'experiments', 'train']) {
      s = await view(v);
      check(s.view === v, `one ${touch ? 'tap' : 'click'} on the ${v} tab opens it`);
      checkInside(s, tabs, `${v} view`);
    }
  } catch (e) {
    t.check(false, 'crashed: ' + (e.stack || e));
  }
  failed += await t.finish(null, { exit: false });
}
process.exit(failed ? 1 : 0);
