// Efficient when idle (issue 13, point 6): with no input, no training and nothing moving, the
// app paints nothing and its loop sleeps (no requestAnimationFrame); input, a resize and
// training wake it. Counts come from the app's state (idle.painted_frames, idle.loop_frames);
// every wait is on a condition or on a number of the browser's frames, never a fixed delay.
// Also: a link with invalid UTF-8 leaves bplState() readable (issue 13, point 8).
// The CPU this saves is measured by tests/browser/idle.mjs.
// Usage: node tests/browser/idle.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('idle');
const { page, check, state, center, frames, until } = t;
const asleep = (what) => until((s) => s.idle.asleep, null, { timeout: 15000, what, soft: true });
try {
  await page.goto(t.url);
  let s = await t.ready();
  s = await asleep('the app to fall asleep after loading');
  check(s.idle.asleep, `after loading, the app falls asleep (${s.idle.painted_frames} frames painted, ${s.idle.loop_frames} loop iterations)`);
  const p0 = s.idle.painted_frames, l0 = s.idle.loop_frames;
  await frames(120);  // two seconds of the browser's frames at 60 Hz
  s = await state();
  check(s.idle.painted_frames === p0 && s.idle.loop_frames === l0,
    `over 120 browser frames idle, it paints nothing and its loop does not run (painted ${p0} → ${s.idle.painted_frames}, loop ${l0} → ${s.idle.loop_frames})`);
  await t.shot('idle-asleep.png');  // the canvas keeps its last picture

  // input wakes it: the pointer over Start paints (the hover), then it sleeps again
  await page.mouse.move(...center(s.ui.start));
  s = await until((x, p) => x.idle.painted_frames > p, p0, { timeout: 5000, what: 'a paint after the pointer moved', soft: true });
  check(s.idle.painted_frames > p0, `moving the pointer wakes it (painted ${p0} → ${s.idle.painted_frames})`);
  s = await asleep('sleep again after the pointer stopped');
  const p1 = s.idle.painted_frames;
  check(s.idle.asleep && p1 - p0 < 40, `then it falls asleep again after ${p1 - p0} frames`);

  // a resize wakes it (the page calls bpl_wake: a resized canvas is blank until painted)
  await page.setViewportSize({ width: 1100, height: 760 });
  s = await until((x, p) => x.idle.painted_frames > p, p1, { timeout: 5000, what: 'a paint after the resize', soft: true });
  check(s.idle.painted_frames > p1, `a resize paints (painted ${p1} → ${s.idle.painted_frames})`);
  s = await asleep('sleep after the resize');
  await t.shot('idle-resized.png');

  // training paints continuously; Pause lets it sleep again
  const p2 = s.idle.painted_frames;
  await t.click(...center(s.ui.start));
  s = await until((x) => x.batches > 100, null, { timeout: 30000, what: 'training', soft: true });
  check(s.state === 'training' && s.idle.painted_frames > p2 + 5 && !s.idle.asleep,
    `training keeps it painting (${s.batches} batches, painted ${p2} → ${s.idle.painted_frames})`);
  await t.click(...center(s.ui.start));
  s = await until((x) => x.state !== 'training', null, { timeout: 10000, what: 'Pause' });
  s = await asleep('sleep after Pause');
  const p3 = s.idle.painted_frames, b3 = s.batches;
  await frames(60);
  s = await state();
  check(s.idle.asleep && s.idle.painted_frames === p3 && s.batches === b3,
    `after Pause it sleeps again: no paint, no batch over 60 browser frames (painted ${p3} → ${s.idle.painted_frames})`);

  // the page hands in a link while the app sleeps: it wakes and paints; a link with bytes that
  // are not UTF-8 (%FF) is refused, and the state stays readable (it used to throw)
  await page.evaluate(() => { location.hash = 'model.preset=%FF%FE'; });
  s = await until((x, p) => x.idle.painted_frames > p && /ignored/.test(x.notice), p3,
    { timeout: 10000, what: 'the link to be refused and shown', soft: true });
  check(s && /ignored/.test(s.notice) && s.notice.includes('\uFFFD') && s.idle.painted_frames > p3,
    `a link while asleep wakes it; invalid UTF-8 is refused and bplState() still reads ("${s && s.notice}")`);
  await t.finish();
} catch (e) {
  await t.finish(e);
}
