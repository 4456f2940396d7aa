// Browser test: every shipped lesson (web/lessons/01…07) completed through real input, as a
// learner would: the Lessons menu opens each one, the step's @point control is clicked (or
// typed into, drawn on, picked from its list), a question is answered by clicking a choice or
// typing a number and pressing Check, and Next goes on. In every lesson ONE question is answered
// wrong on purpose: the state must mark it wrong and show the explanation with the engine's value;
// the others are answered right (the value read from the state path the lesson names, as the
// learner would read it on screen). A link (#lesson=4&step=2) opens a lesson at its step.
// Waits on window.bplState() (lesson.step, lesson.done, lesson.answered, lesson.correct, …),
// never on time. Screenshots: a lesson step at 1366×768, on a 390×844 touch phone, in present mode.
// Usage: node tests/browser/lessons-all.test.mjs SITE_DIR SCREENSHOT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const lessonDir = path.join(here, '../../web/lessons');
const files = fs.readdirSync(lessonDir).filter((f) => /^0[1-7]-.*\.md$/.test(f)).sort();

// The parts of a lesson file (format v1) the test needs: per step its title, @point, @until,
// @ask, @choices, @answer. (The app's parser is tested in tests/app/test_lessons.cpp.)
function parseLesson(text, file) {
  const steps = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) { steps.push({ title: line.slice(3).trim() }); continue; }
    const m = line.match(/^@(\w+)\s*(.*)$/);
    if (!m || !steps.length) continue;
    steps[steps.length - 1][m[1]] = m[2].trim();
  }
  for (const s of steps) {
    if (s.choices) s.choices = s.choices.split(' | ').map((c) => c.trim());
    if (s.answer && !s.choices) {
      const [expr] = s.answer.split('±');
      s.answerExpr = expr.trim();
    }
  }
  return { id: file.replace(/\.md$/, ''), steps };
}
const lessons = files.map((f) => parseLesson(fs.readFileSync(path.join(lessonDir, f), 'utf8'), f));

// a dotted path into the state, as the app reads it ("report.recall.4")
const at = (s, p) => p.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), s);
// the literal a condition compares a path with: `experiments.comparison == "r1-cnn"` → "r1-cnn"
const literal = (until, p) => {
  const m = (until || '').match(new RegExp(p.replace(/\./g, '\\.') + '\\s*(==|>=|>|<=|<)\\s*("[^"]*"|[-0-9.]+)'));
  if (!m) return undefined;
  return m[2].startsWith('"') ? m[2].slice(1, -1) : Number(m[2]);
};

const t = await openApp('lessons-all', { width: 1366, height: 768 });
const { page, url, check, state, center, frames, click, until, key } = t;
const typeText = async (text) => { for (const ch of text) { await page.keyboard.type(ch); await frames(2); } };
const selectAll = async () => {
  await page.keyboard.down('Control'); await frames(1);
  await key('a');
  await page.keyboard.up('Control'); await frames(2);
};
// a rectangle of this frame, scrolled into its panel first (the mouse wheel over it)
// (on a narrow window the Train view shows one of its panes: the one that holds the control)
const paneOf = (name) => (name === 'preset' || name === 'layers_text' ? 'pane_model' : name.startsWith('set_') ? 'pane_settings' : null);
const rect = async (name, { timeout = 10000 } = {}) => {
  const vh = page.viewportSize().height;
  let s = await state();
  if (!s.ui[name] && paneOf(name) && s.ui[paneOf(name)]) await click(...center(s.ui[paneOf(name)]));
  s = await until((x, n) => !!x.ui[n], name, { timeout, what: `the control ${name} on screen` });
  for (let i = 0; i < 30; i++) {
    const r = s.ui[name];
    const clipped = (s.ui_clipped || []).includes(name);
    if (!clipped && r[1] >= 20 && r[1] + r[3] <= vh - 20) return r;
    await page.mouse.move(r[0] + Math.min(r[2] / 2, 20), Math.min(Math.max(r[1], 60), vh - 60));
    await page.mouse.wheel(0, r[1] < 60 ? -100 : 100);
    await frames(3);
    s = await state();
    if (!s.ui[name]) s = await until((x, n) => !!x.ui[n], name, { timeout, what: `the control ${name}` });
  }
  return s.ui[name];
};
const press = async (name) => click(...center(await rect(name)));
// a combo's list item, scrolled into its popup
const pickFromList = async (combo, item) => {
  await press(combo);
  for (let i = 0; i < 40; i++) {
    const s = await until((x, n) => !!x.ui[n], item, { timeout: 5000, what: `${item} in the list` });
    const r = s.ui[item];
    if (!(s.ui_clipped || []).includes(item)) { await click(r[0] + 12, r[1] + r[3] / 2); return; }
    const c = s.ui[combo];
    await page.mouse.move(c[0] + 30, c[1] + c[3] + 30);
    await page.mouse.wheel(0, r[1] > c[1] ? 60 : -60);
    await frames(3);
  }
  throw new Error(`could not scroll ${item} into its list`);
};
// the new-run question (a lesson's preset or a changed model would replace trained work): Discard
const discardIfAsked = async () => {
  const s = await until((x) => x.new_run_question !== '' || x.state === 'training' || x.lesson.done, null,
    { timeout: 10000, what: 'training to start or the new-run question' });
  if (s.new_run_question !== '' && s.ui.newrun_discard) await click(...center(s.ui.newrun_discard));
};
// type a value into a slider (Ctrl+click turns it into a text field) or a number field
const typeInto = async (name, value, { ctrl = false } = {}) => {
  const r = await rect(name);
  const [x, y] = [r[0] + Math.min(r[2] * 0.3, 60), r[1] + r[3] / 2];
  if (ctrl) { await page.keyboard.down('Control'); await frames(1); }
  await click(x, y);
  if (ctrl) { await page.keyboard.up('Control'); await frames(1); }
  await selectAll();
  await typeText(String(value));
  await key('Enter');
};
const drawDigit = async () => {
  const [cx, cy, cw, ch] = await rect('pad_canvas');
  const p = (fx, fy) => [cx + fx * cw, cy + fy * ch];
  const drag = async (pts) => {
    await page.mouse.move(...p(...pts[0])); await frames(2);
    await page.mouse.down(); await frames(2);
    for (let i = 1; i < pts.length; i++) {
      const [x0, y0] = pts[i - 1], [x1, y1] = pts[i];
      for (let k = 1; k <= 6; k++) { await page.mouse.move(...p(x0 + (x1 - x0) * k / 6, y0 + (y1 - y0) * k / 6)); await frames(1); }
    }
    await page.mouse.up(); await frames(2);
  };
  await drag([[0.3, 0.2], [0.3, 0.5], [0.7, 0.5]]);   // a 4 with an open top …
  await drag([[0.62, 0.2], [0.62, 0.85]]);
};

// What a learner does at a step whose @until is not met yet, by the control it points at.
async function act(step, s) {
  const u = step.until || '';
  switch (step.point) {
    case 'start':
      await press('start');
      await discardIfAsked();
      break;
    case 'step_epoch':
      await press('step_epoch');
      await discardIfAsked();
      break;
    case 'stepper_misclassified': case 'stepper_checks': case 'exp_improved': case 'pad_teach':
      await press(step.point);
      break;
    case 'stepper_next':
      await press('stepper_next');
      break;
    case 'exp_comparison': {
      const names = ['r0', 'r1-mlp', 'r1-cnn', 'r2', 'r3', 'r4'];
      const want = literal(u, 'experiments.comparison');
      if (s.experiments.comparison !== want) await pickFromList('exp_comparison', 'exp_comparison_' + names.indexOf(want));
      if (/experiments\.improved == false/.test(u) && s.experiments.improved) await press('exp_improved');
      break;
    }
    case 'exp_epochs':
      await typeInto('exp_epochs', literal(u, 'experiments.max_epochs'));
      break;
    case 'exp_run':
      if (!s.experiments.running) await press('exp_run');
      await until((x) => !x.experiments.running, null, { timeout: 180000, what: 'the comparison to finish' });
      break;
    case 'preset':
      await pickFromList('preset', 'preset_' + literal(u, 'preset'));
      break;
    case 'set_learning_rate': {
      const lo = literal(u, 'lr');
      await typeInto('set_learning_rate', /lr > 0\.29/.test(u) ? 0.3 : lo, { ctrl: true });
      break;
    }
    case 'report_cm': {
      const r = await rect('report_cm');
      const cell = r[2] / 10, tr = literal(u, 'report.sel_truth'), pr = literal(u, 'report.sel_pred');
      await click(r[0] + (pr + 0.5) * cell, r[1] + (tr + 0.5) * cell);
      break;
    }
    case 'gallery_cell_0': {
      // an empty cell has no images: another cell of the same row, one with images
      if (!s.report.gallery_cell.length) {
        const row = s.report.confusion[s.report.sel_truth];
        const p = row.findIndex((n, k) => n > 0 && k !== s.report.sel_truth);
        const r = await rect('report_cm'), cell = r[2] / 10;
        await click(r[0] + (p + 0.5) * cell, r[1] + (s.report.sel_truth + 0.5) * cell);
      }
      await press('gallery_cell_0');
      await press('gallery_step');
      break;
    }
    case 'pad_canvas':
      await drawDigit();
      break;
    case 'pad_label':
      await pickFromList('pad_label', 'pad_label_' + ((s.pad.top + 1) % 10));
      break;
    default:
      throw new Error(`no action for @point ${step.point} (step "${step.title}")`);
  }
}

// the right answer to a step's question, as the learner reads it on screen (or knows it)
const rightNumber = (step, s) => {
  const v = Number.isNaN(Number(step.answerExpr)) ? at(s, step.answerExpr) : Number(step.answerExpr);
  return typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : '?';
};

async function answer(step, s, wrong) {
  if (step.choices) {
    const right = step.choices.indexOf(step.answer);
    const k = wrong ? (right + 1) % step.choices.length : right;
    await press('lesson_choice_' + k);
  } else {
    const v = rightNumber(step, s);
    await press('lesson_answer');
    await selectAll();
    await typeText(wrong ? String(Number(v) * 3 + 1000) : v);
    await press('lesson_check');
  }
  return until((x) => x.lesson.answered, null, { timeout: 5000, what: `the answer to "${step.ask}" to be checked` });
}

// What a lesson's text claims at a step, checked against the engine's values at that step
// (a lesson must not tell the learner something this app does not do).
const claims = {
  '02-backprop-by-hand': {
    'The sign of a bias gradient': (s) => [s.stepper.bias_grad < 0, `∂L/∂b⁵_y = ${s.stepper.bias_grad} < 0`],
    'The loss after the update': (s) => [s.stepper.loss_after < s.stepper.loss_before,
      `the loss after the update is lower: ${s.stepper.loss_before} → ${s.stepper.loss_after}`],
  },
  '03-convolution': {
    'Compare': (s) => [s.experiments.runs.length === 5 && s.experiments.runs.every((r) => r.test_acc > 0.5),
      `the improved sweep learns for every kernel size: ${s.experiments.runs.map((r) => r.test_acc.toFixed(3)).join(' / ')}`],
  },
  '04-lenet-vs-mlp': {
    'Read R0\'s table': (s) => {
      const [m, l] = s.experiments.runs;
      return [l.test_acc > m.test_acc && l.params < m.params,
        `LeNet-5 beats the MLP after one epoch (${l.test_acc} vs ${m.test_acc}) with fewer parameters (${l.params} vs ${m.params})`];
    },
  },
  '05-when-training-goes-wrong': {
    'What happened': (s) => [/rolled back/.test(s.trainer.message), `the trainer's message: ${s.trainer.message}`],
    'A dead network': (s) => [s.test_accuracy < 0.2, `lr 0.3 leaves the single-kernel CNN near chance: test accuracy ${s.test_accuracy}`],
    'Read the gap': (s) => {
      const h = s.history[s.history.length - 1];
      return [s.split.train === 900 && h.train_acc > h.val_acc,
        `R4 trains on ${s.split.train} images and ends with training accuracy ${h.train_acc.toFixed(3)} above validation ${h.val_acc.toFixed(3)}`];
    },
  },
};

let shotWrong = false;
async function playLesson(L, index) {
  // open it from the Lessons menu, by real clicks
  let s = await state();
  const item = s.lesson.shipped.indexOf(L.id);
  await press('menu_lessons');
  await press('menu_lesson_' + item);
  s = await until((x, id) => x.lesson.open && x.lesson.id === id, L.id, { timeout: 10000, what: `lesson ${L.id} to open` });
  // a lesson opened before (the link below) reopens where it was left: go back to its first step
  while (s.lesson.step > 1) { await press('lesson_back'); s = await state(); }
  let wrongDone = false;
  const answers = { right: 0, wrong: 0 };
  for (let k = 0; k < L.steps.length; k++) {
    const step = L.steps[k];
    s = await until((x, n) => x.lesson.step === n, k + 1, { timeout: 10000, what: `${L.id} step ${k + 1}` });
    if (L.id.startsWith('05') && step.title === 'Set the learning rate to 3') {
      await page.mouse.move(5, 700); await frames(3);
      await t.shot('lesson-point.png');   // the @point outline and arrow
      check(s.lesson.point === 'set_learning_rate', `the step points at ${s.lesson.point}`);
    }
    const once = ['start', 'step_epoch', 'exp_run'].includes(step.point);   // then it takes a while
    for (let tries = 0; !s.lesson.done && step.until && tries < 40; tries++) {
      await act(step, s);
      s = await until((x, o) => x.lesson.done || (!o && x.state !== 'training'), once,
        { timeout: 240000, what: `${L.id} "${step.title}": ${step.until}` });
    }
    if (step.until) check(s.lesson.done, `${L.id} step ${k + 1} "${step.title}": ${step.until}`);
    if (L.id.startsWith('02') && step.title === 'Predict the first gradient') {
      // the look of a step with live numbers: the laptop, then present mode (the P key)
      await page.mouse.move(5, 700); await frames(3);
      await t.shot('lesson-laptop-1366.png');
      await key('p');
      await until((x) => x.present, null, { timeout: 5000, what: 'present mode' });
      await frames(3);
      await t.shot('lesson-present.png');
      await key('p');
      s = await until((x) => !x.present, null, { timeout: 5000, what: 'present mode to end' });
      check(s.lesson.step === k + 1, 'present mode on and off keeps the lesson at its step');
    }
    if (step.ask) {
      const wrong = !wrongDone && (!step.choices || L.steps.filter((x) => x.ask && !x.choices).length === 0);
      const before = s;
      s = await answer(step, before, wrong);
      if (wrong) {
        wrongDone = true;
        answers.wrong++;
        const engine = step.choices ? step.answer : rightNumber(step, before);
        check(s.lesson.correct === false && s.lesson.done && s.lesson.explain && !s.lesson.explain.includes('?') &&
          s.lesson.expected !== '',
          `${L.id} "${step.title}": a wrong answer (${s.lesson.given}) is marked wrong, the app's value ${s.lesson.expected} (engine ${engine}) and the explanation shown: "${(s.lesson.explain || '').slice(0, 90)}…"`);
        if (!shotWrong) { await page.mouse.move(5, 700); await frames(2); await t.shot('lesson-wrong-answer.png'); shotWrong = true; }
      } else {
        answers.right++;
        check(s.lesson.correct === true && s.lesson.done, `${L.id} "${step.title}": "${s.lesson.given}" is right (${s.lesson.expected})`);
      }
    }
    s = await state();
    const claim = (claims[L.id] || {})[step.title];
    if (claim) { const [ok, what] = claim(s); check(ok, `${L.id} "${step.title}": ${what}`); }
    check(s.lesson.done || (!step.until && !step.ask), `${L.id} step ${k + 1} can go on`);
    await press('lesson_next');
  }
  s = await until((x) => !x.lesson.open, null, { timeout: 5000, what: `${L.id} to finish` });
  check(wrongDone, `${L.id}: completed, ${answers.right} right answers and ${answers.wrong} wrong on purpose`);
}

try {
  await page.goto(url);
  let s = await t.ready();

  // ---- every lesson, start to end
  const t0 = Date.now();
  for (let i = 0; i < lessons.length; i++) {
    const l0 = Date.now();
    await playLesson(lessons[i], i);
    console.log(`  (${lessons[i].id}: ${((Date.now() - l0) / 1000).toFixed(1)} s)`);
  }
  check(lessons.length === 7, `all ${lessons.length} lessons completed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // ---- a link opens a lesson at its step
  await page.goto('about:blank');
  await page.goto(url + '#lesson=4&step=2');
  s = await t.ready();
  s = await until((x) => x.lesson && x.lesson.open, null, { timeout: 10000, what: 'the linked lesson' });
  check(s.lesson.id === '04-lenet-vs-mlp' && s.lesson.step === 2,
    `#lesson=4&step=2 opens "${s.lesson.title}" at step ${s.lesson.step} ("${s.lesson.step_title}")`);
} catch (e) {
  await t.shot('lessons-all-failure.png').catch(() => {});
  await t.finish(e, { exit: false });
  process.exit(1);
}
const failed = await t.finish(null, { exit: false });

// ---- a 390×844 touch phone: a lesson step below the view
const p = await openApp('lessons-all-phone', { width: 390, height: 844 }, { device: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } });
try {
  await p.page.goto(p.url + '#lesson=1&step=2');
  await p.ready();
  let s = await p.until((x) => x.lesson && x.lesson.open && x.ui.lesson_answer, null, { timeout: 10000, what: 'the lesson on a phone' });
  p.check(s.lesson.step === 2, `#lesson=1&step=2 opens lesson 1 at step 2 on the phone ("${s.lesson.step_title}")`);
  await p.shot('lesson-phone-390.png');
  // answer with a finger and the keyboard (the lesson's text scrolled to its question), then Next
  const scrollLesson = async (name) => {
    for (let i = 0; i < 20 && (s.ui_clipped || []).includes(name); i++) {
      const r = s.ui.lesson_panel;
      await p.page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 3);
      await p.page.mouse.wheel(0, 100);
      await p.frames(3);
      s = await p.state();
    }
  };
  await scrollLesson('lesson_answer');
  await scrollLesson('lesson_check');
  p.check(!(s.ui_clipped || []).includes('lesson_answer'), 'the answer field scrolls into the lesson panel');
  await p.tap(...p.center(s.ui.lesson_answer));
  for (const ch of String(s.model.params)) { await p.page.keyboard.type(ch); await p.frames(2); }
  await p.tap(...p.center(s.ui.lesson_check));
  s = await p.until((x) => x.lesson.answered, null, { timeout: 5000, what: 'the answer on the phone' });
  p.check(s.lesson.correct === true, `a tapped answer (${s.lesson.given}) is checked: right`);
  for (let i = 0; i < 20 && (s.ui_clipped || []).includes('lesson_next'); i++) {
    const r = s.ui.lesson_panel;
    await p.page.mouse.move(r[0] + r[2] / 2, r[1] + r[3] / 2);
    await p.page.mouse.wheel(0, 100);
    await p.frames(3);
    s = await p.state();
  }
  await p.shot('lesson-phone-390-answered.png');
  await p.tap(...p.center(s.ui.lesson_next));
  s = await p.until((x) => x.lesson.step === 3, null, { timeout: 5000, what: 'step 3 on the phone' });
  p.check(s.lesson.step === 3, 'Next, tapped after scrolling the lesson panel, goes on to step 3');
} catch (e) {
  await p.finish(e, { exit: false });
  process.exit(1);
}
const failedPhone = await p.finish(null, { exit: false });
process.exit(failed || failedPhone ? 1 : 0);
