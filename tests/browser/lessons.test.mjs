// Browser test: the lesson player (issue 14) over the live app, with the shipped tour
// (web/lessons/00-tour.md). Real clicks, keys and taps; window.bplState().lesson is read to check.
//   a link #lesson=0&step=2 opens the tour at step 2 (and leaves the address); Next stays off
//   until the step's @until holds, which Start makes true; a number question answered wrongly
//   (marked wrong, the app's value and the explanation shown), a choice answered rightly;
//   a reload finds the lesson at its step with both answers; a malformed lesson file (File →
//   Open a lesson file…) is refused with its line number and the weights are unchanged;
//   a phone (390×844, touch: one tap answers) and present mode (1024×768) show the panel.
// Screenshots: lessons-laptop-*.png, lessons-phone.png, lessons-present.png.
// Usage: node tests/browser/lessons.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

let failures = 0;

// ---------------------------------------------------------------- a laptop, one profile across a reload
{
  const t = await openApp('lessons', { width: 1366, height: 768 }, { persistent: true });
  const { page, url, check, state, center, click, until, key, frames } = t;
  let crash = null;
  try {
    await page.goto(url + '#lesson=0&step=2');
    await t.ready();
    let s = await until((x) => x.lesson.open && !!x.ui.lesson_next, null, { what: 'the lesson to open' });
    check(s.lesson.id === '00-tour' && s.lesson.step === 2 && s.lesson.steps >= 5,
      `#lesson=0&step=2 opens ${s.lesson.id} at step ${s.lesson.step} of ${s.lesson.steps} ("${s.lesson.step_title}")`);
    check(await page.evaluate(() => location.hash) === '', 'the link\'s keys leave the address once applied');
    check(s.lesson.done === false && s.lesson.point === 'start', 'step 2 waits for training and points at Start');
    const panel = s.ui.lesson_panel;
    check(panel && panel[0] > 1366 / 2 && panel[0] + panel[2] <= 1366, `on a laptop the panel is on the right (x ${panel && panel[0]})`);
    for (const k of ['lesson_back', 'lesson_next', 'lesson_close', 'lesson_step_title'])
      check(!!s.ui[k] && !s.ui_clipped.includes(k), `${k} is drawn, not cut`);
    await t.shot('lessons-laptop-step2.png');
    // Next is off until the task is done
    await click(...center(s.ui.lesson_next));
    s = await state();
    check(s.lesson.step === 2, 'Next does nothing before the step is done');
    // the task: Start training (a real click on the control the arrow points at)
    const before = s.batches;
    await click(...center(s.ui.start));
    s = await until((x) => x.lesson.done, null, { what: 'the @until (batches >= 1)' });
    check(s.lesson.done && s.batches > before, `training makes the step done (batches ${s.batches})`);
    await click(...center(s.ui.start));  // pause
    s = await until((x) => x.state !== 'running', null, { what: 'Pause' });
    await click(...center(s.ui.lesson_next));
    s = await until((x) => x.lesson.step === 3 && !!x.ui.lesson_answer, null, { what: 'step 3' });
    check(s.lesson.question.startsWith('How many parameters'), `step 3 asks: "${s.lesson.question}"`);
    // a wrong number, typed, then Enter in the field checks it
    await click(...center(s.ui.lesson_answer));
    for (const ch of '12') { await page.keyboard.type(ch); await frames(2); }
    await key('Enter');
    s = await until((x) => x.lesson.answered, null, { what: 'the answer to be checked' });
    check(s.lesson.correct === false, 'a wrong answer is marked wrong');
    check(s.lesson.given === '12' && s.lesson.expected === String(s.params),
      `the app's value is revealed: ${s.lesson.expected} (params ${s.params})`);
    check(s.lesson.explain.includes(String(s.params)), `the explanation quotes the live value: "${s.lesson.explain.slice(0, 60)}…"`);
    check(!!s.ui.lesson_verdict && s.lesson.done, 'the verdict is shown and the step is done');
    await t.shot('lessons-laptop-answered.png');
    await click(...center(s.ui.lesson_next));
    s = await until((x) => x.lesson.step === 4 && !!x.ui.lesson_choice_1, null, { what: 'step 4 and its choices' });
    await click(...center(s.ui.lesson_choice_1));  // "goes down"
    s = await until((x) => x.lesson.answered, null, { what: 'the choice to be checked' });
    check(s.lesson.correct === true && s.lesson.answers === 2, `the right choice is marked right (${s.lesson.answers} answers kept)`);
    const hash = s.weights_hash;
    // a reload: the lesson, its step and the answers come back
    await page.reload();
    await t.ready();
    // the paused model was autosaved: take the restore offer, as a learner would
    s = await until((x) => !!x.ui.restore_yes, null, { what: 'the restore offer' });
    await click(...center(s.ui.restore_yes));
    s = await until((x, h) => x.restore_offer === '' && x.weights_hash === h, hash, { what: 'the restored model', soft: true });
    check(s.weights_hash === hash, `the model is restored (${s.weights_hash})`);
    s = await until((x) => x.lesson.open, null, { what: 'the lesson after a reload', soft: true });
    check(s.lesson.open && s.lesson.step === 4 && s.lesson.answers === 2 && s.lesson.correct === true,
      `after a reload: step ${s.lesson.step}, ${s.lesson.answers} answers, this one right`);
    // the keyboard reaches the player: Tab (Escape out of a text field) and Shift+Tab move the
    // focus ring onto its controls
    const reach = async (shift) => {
      let focused = '', before = '';
      const path = [];
      for (let i = 0; i < 80 && !focused.startsWith('lesson_'); i++) {
        if (shift) await page.keyboard.down('Shift');
        await key('Tab');
        if (shift) await page.keyboard.up('Shift');
        focused = (await state()).ui_focused;
        if (focused && focused === before) await key('Escape');  // a text field keeps Tab: leave it
        before = focused;
        path.push(focused);
      }
      return { focused, path };
    };
    // (from the Report view: Tab stays in the Train view's multi-line layer text once inside it)
    s = await state();
    await click(...center(s.ui.tab_report));
    await until((x) => x.view === 'report', null, { what: 'the Report view' });
    for (const shift of [false, true]) {
      const r = await reach(shift);
      check(r.focused.startsWith('lesson_'), `${shift ? 'Shift+' : ''}Tab reaches the player's controls after ${r.path.length} presses (${r.path.slice(-5).join(' → ')})`);
      await key('Escape');
    }
    // a malformed lesson file through File → Open a lesson file…: refused with its line, nothing changes
    s = await until((x) => !!x.ui.menu_file, null, { what: 'the menu bar' });
    const hashNow = s.weights_hash;
    await click(...center(s.ui.menu_file));
    s = await until((x) => !!x.ui.menu_lesson_file, null, { what: 'File → Open a lesson file…' });
    const chooser = page.waitForEvent('filechooser', { timeout: 10000 });
    await click(...center(s.ui.menu_lesson_file));
    await (await chooser).setFiles({ name: 'broken.md', mimeType: 'text/markdown',
      buffer: Buffer.from('# Broken\n\n## One\n@ask What?\n@answer 3 ± lots\n') });
    s = await until((x) => x.notice.includes('broken.md'), null, { what: 'the refusal', soft: true });
    check(s.notice.includes('broken.md line 5: bad tolerance'), `the malformed file is refused: "${s.notice}"`);
    check(s.weights_hash === hashNow && s.lesson.id === '00-tour' && s.lesson.step === 4,
      `nothing changes: weights ${s.weights_hash}, still ${s.lesson.id} step ${s.lesson.step}`);
    check(hash !== '0000000000000000', 'the model has weights to protect');
    await t.shot('lessons-laptop-refused.png');
    // Close: the panel goes, the progress stays
    await click(...center(s.ui.lesson_close));
    s = await until((x) => !x.lesson.open, null, { what: 'Close' });
    check(!s.ui.lesson_panel, 'Close hides the panel');
  } catch (e) {
    crash = e;
  }
  failures += await t.finish(crash, { exit: false });
}

// ---------------------------------------------------------------- a phone: the panel below the view, one tap answers
{
  const t = await openApp('lessons phone-390x844', { width: 390, height: 844 },
    { device: { hasTouch: true, isMobile: true, deviceScaleFactor: 3 } });
  const { page, url, check, center, tap, until } = t;
  let crash = null;
  try {
    await page.goto(url + '#lesson=0&step=4');
    await t.ready();
    let s = await until((x) => x.lesson.open && !!x.ui.lesson_choice_1, null, { what: 'the lesson on a phone' });
    const p = s.ui.lesson_panel;
    check(p[1] > 844 / 3 && p[0] >= 0 && p[0] + p[2] <= 390, `on a phone the panel is below the view (y ${Math.round(p[1])}, w ${Math.round(p[2])})`);
    for (const k of ['lesson_choice_0', 'lesson_choice_1', 'lesson_choice_2'])
      check(s.ui[k][0] >= 0 && s.ui[k][0] + s.ui[k][2] <= 390, `${k} is inside the screen`);
    await t.shot('lessons-phone.png');
    await tap(...center(s.ui.lesson_choice_1));
    s = await until((x) => x.lesson.answered, null, { what: 'one tap to answer', soft: true });
    check(s.lesson.answered && s.lesson.correct === true, 'one tap on a choice answers it');
    s = await until((x) => !!x.ui.lesson_next && !x.ui_clipped.includes('lesson_next'), null, { what: 'Next in view', soft: true });
    check(!!s.ui.lesson_next, 'Next is reachable on a phone');
    await t.shot('lessons-phone-answered.png');
  } catch (e) {
    crash = e;
  }
  failures += await t.finish(crash, { exit: false });
}

// ---------------------------------------------------------------- present mode on a projector
{
  const t = await openApp('lessons present-1024x768', { width: 1024, height: 768 });
  const { page, url, check, until } = t;
  let crash = null;
  try {
    await page.goto(url + '#lesson=0&step=2&ui.present=true');
    await t.ready();
    const s = await until((x) => x.lesson.open && x.present && !!x.ui.lesson_panel && !!x.ui.start, null, { what: 'the lesson in present mode' });
    const p = s.ui.lesson_panel;
    check(p[0] > 1024 / 2 && p[0] + p[2] <= 1024, `in present mode the panel is beside the view (x ${Math.round(p[0])}, w ${Math.round(p[2])})`);
    check(!s.ui_clipped.includes('lesson_next'), 'Next is not cut in present mode');
    await t.shot('lessons-present.png');
  } catch (e) {
    crash = e;
  }
  failures += await t.finish(crash, { exit: false });
}

console.log(failures ? `lessons: ${failures} failed` : 'lessons: all passed');
process.exit(failures ? 1 : 0);
