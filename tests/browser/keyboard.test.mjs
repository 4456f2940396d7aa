// Browser test, keyboard only: from a fresh load, Tab moves a visible focus ring through the
// controls until it reaches Start, and Enter starts training; Space pauses. "?" opens the list of
// shortcuts and Escape closes it; P enters present mode (the settings panels hidden) and Escape
// leaves it; Alt reaches the menu bar and Escape closes the menu. No mouse event is sent.
// Usage: node tests/browser/keyboard.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('keyboard', { width: 1366, height: 768 });
const { page, url, check, state, until, key } = t;
try {
  await page.goto(url + '#model.preset=r2-mlp&training.epochs=2');
  let s = await t.ready();
  // Tab until the focus ring is on Start (at most 40 presses)
  const path = [];
  for (let i = 0; i < 40 && s.ui_focused !== 'start'; i++) {
    await key('Tab');
    s = await state();
    if (s.ui_focused) path.push(s.ui_focused);
  }
  check(s.ui_focused === 'start', `Tab reaches Start after ${path.length} presses (${path.join(' → ')})`);
  check(s.nav_visible, 'the focus ring is drawn');
  check(path.some((p) => p.startsWith('tab_')), 'on the way, Tab went through the views');
  await t.shot('keyboard-focus-start.png');
  await key('Enter');
  s = await until((x) => x.state === 'training', null, { timeout: 5000, what: 'training after Enter on Start', soft: true });
  check(s.state === 'training', `Enter on Start starts training (state ${s.state})`);
  s = await until((x) => x.batches > 3, null, { timeout: 20000, what: 'a few batches', soft: true });
  check(s.ui_focused === 'start', 'the focus stays on the button, now Pause');
  await key(' ');
  s = await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'paused after Space', soft: true });
  check(s.state === 'paused', `Space on Pause pauses (state ${s.state}, ${s.batches} batches)`);

  // Shift+Tab goes back
  await page.keyboard.down('Shift'); await key('Tab'); await page.keyboard.up('Shift');
  s = await state();
  check(s.ui_focused && s.ui_focused !== 'start', `Shift+Tab moves the focus back (to ${s.ui_focused})`);

  // the shortcuts list, and Escape
  await page.keyboard.type('?');
  s = await until((x) => x.show_help, null, { timeout: 5000, what: 'the shortcuts list', soft: true });
  check(s.show_help, '"?" opens the list of keyboard shortcuts');
  await t.shot('keyboard-help.png');
  await key('Escape');
  s = await until((x) => !x.show_help, null, { timeout: 5000, what: 'the list closed', soft: true });
  check(!s.show_help, 'Escape closes it');

  // present mode: P, then Escape
  await page.keyboard.type('p');
  s = await until((x) => x.present, null, { timeout: 5000, what: 'present mode', soft: true });
  check(s.present && !s.ui.menu_file && !s.ui.step_batch === false, 'P enters present mode: no menu bar, the run controls stay');
  check(!s.ui.pane_model, 'present mode hides the settings panels');
  await t.frames(3);  // the larger fonts are built on the next frame
  await t.shot('keyboard-present.png');
  await key('Escape');
  s = await until((x) => !x.present, null, { timeout: 5000, what: 'present mode left', soft: true });
  check(!s.present && !!s.ui.menu_file, 'Escape leaves present mode; the menu bar is back');

  // Alt opens the menu layer: the focus goes to the first menu; Escape leaves it
  await key('Alt');
  s = await state();
  check(s.ui_focused === 'menu_file', `Alt moves the focus to the menu bar (${s.ui_focused})`);
  await key('Escape');
  s = await state();
  check(s.ui_focused !== 'menu_file', 'Escape leaves the menu bar');

  // the UI preferences are kept across a reload (no link this time): present mode and the view
  await page.keyboard.type('p');
  s = await until((x) => x.present, null, { timeout: 5000, what: 'present mode', soft: true });
  await page.goto(url.replace(/#.*$/, '') + '?again');
  s = await until((x) => x.data_ready, null, { timeout: 30000, what: 'the reload' });
  check(s.present && s.view === 'train', `present mode and the view are kept across a reload (present ${s.present}, view ${s.view})`);
} catch (e) {
  await t.finish(e);
}
await t.finish();
