// Browser test of the views inside the network: train R2's CNN on the MNIST subset, draw a "7"
// on the pad with real mouse drags and read the prediction, open the report and click a cell of
// the confusion matrix, run R0's comparison in the Experiments view; screenshots of the filters
// and activations, the pad with saliency, the confusion matrix and the experiments table.
// Usage: node tests/browser/views.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('views', { width: 1400, height: 900 });
const { page, url, check, state, center, frames, click, until } = t;
try {
  const tab = async (name) => {
    const s = await state();
    await click(...center(s.ui['tab_' + name]));
    return until((x, v) => x.view === v, name, { timeout: 5000, what: `the ${name} view`, soft: true });
  };

  // R2's CNN through a shared link; train two epochs with real clicks
  await page.goto(url + '#model.preset=r2-cnn');
  await t.ready();
  let s = await state();
  await click(...center(s.ui.start));
  s = await until((x) => x.epoch >= 2, null, { timeout: 120000, what: 'two epochs' });
  await click(...center(s.ui.start));
  s = await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'Pause', soft: true });
  check(s.preset === 'r2-cnn' && s.test_accuracy > 0.9, `R2's CNN trained ${s.epoch} epochs: test accuracy ${(100 * s.test_accuracy).toFixed(2)}%`);

  // the drawing pad: a "7" in two strokes, with real mouse drags
  await tab('draw');
  s = await state();
  check(s.view === 'draw' && !!s.ui.pad_canvas, 'the Draw view opens');
  const [cx, cy, cw, ch] = s.ui.pad_canvas;
  const at = (fx, fy) => [cx + fx * cw, cy + fy * ch];
  const drag = async (pts) => {
    await page.mouse.move(...at(...pts[0])); await frames(2);
    await page.mouse.down(); await frames(2);
    for (let i = 1; i < pts.length; i++) {
      const [x0, y0] = pts[i - 1], [x1, y1] = pts[i];
      for (let k = 1; k <= 8; k++) { await page.mouse.move(...at(x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)); await frames(1); }
    }
    await page.mouse.up(); await frames(2);
  };
  await drag([[0.25, 0.22], [0.75, 0.22]]);                 // the bar
  await drag([[0.75, 0.22], [0.58, 0.52], [0.45, 0.82]]);   // the stem
  s = await until((x) => !x.pad.empty && x.pad.top >= 0, null, { timeout: 5000, what: 'a prediction for the drawing', soft: true });
  check(!s.pad.empty && s.pad.top === 7, `the drawn 7 is predicted ${s.pad.top} (${(100 * s.pad.confidence).toFixed(1)}%)`);
  check(s.pad.saliency, 'saliency of the top class is shown over the 28×28 preview');
  await page.mouse.move(5, 890);
  await frames(2);
  await t.shot('views-draw.png');
  // teach it (the label follows the guess: 7), then step through backprop on the drawing
  const trainBefore = s.train_size;
  await click(...center(s.ui.pad_teach));
  s = await state();
  check(s.pad.taught === 1 && s.train_size === trainBefore + 1, `"Teach it" adds the drawing to the training set (${trainBefore} → ${s.train_size} images)`);
  await click(...center(s.ui.pad_to_stepper));
  s = await until((x) => x.view === 'stepper' && x.stepper && x.stepper.ready, null, { timeout: 10000, what: 'the stepper on the drawing', soft: true });
  check(s.view === 'stepper' && s.stepper.drawn && s.stepper.label === 7 && s.stepper.ops > 0,
    `"Step through backprop on it" opens the stepper on the drawing (label ${s.stepper.label}, ${s.stepper.ops} operations)`);
  await t.shot('views-drawing-in-stepper.png');
  await tab('draw');
  s = await state();
  // clear by a click: nothing drawn, no prediction
  await click(...center(s.ui.pad_clear));
  s = await state();
  check(s.pad.empty && s.pad.top === -1, 'Clear empties the pad');

  // inside the network: filters and activations
  await tab('inside');
  s = await state();
  check(s.view === 'inside' && !!s.ui.filters_first, 'the Inside view shows the first layer\'s filters');
  await t.shot('views-inside.png');

  // the report: click a diagonal cell of the confusion matrix (true 7, predicted 7)
  await tab('report');
  s = await state();
  check(s.report.ready && Math.abs(s.report.accuracy - s.test_accuracy) < 1e-9,
    `the report matches the last epoch's test accuracy (${(100 * s.report.accuracy).toFixed(2)}%, macro F1 ${s.report.macro_f1.toFixed(4)})`);
  const [mx, my, mw] = s.ui.report_cm;
  const cell = mw / 10;
  await click(mx + 7.5 * cell, my + 7.5 * cell);
  s = await state();
  check(s.report.sel_truth === 7 && s.report.sel_pred === 7, `clicking a cell selects it (true ${s.report.sel_truth}, predicted ${s.report.sel_pred})`);
  await page.mouse.move(5, 890);
  await frames(2);
  await t.shot('views-report.png');

  // experiments: R0's comparison, three epochs each (the view's default)
  await tab('experiments');
  s = await state();
  await click(...center(s.ui.exp_run));   // the comparison defaults to R0
  s = await until((x) => !x.experiments.running && x.experiments.runs.length === 2, null,
    { timeout: 180000, what: "R0's comparison to finish", soft: true });
  const runs = s.experiments.runs;
  check(runs.length === 2 && runs.every((r) => r.epochs >= 1 && r.test_acc > 0.6) && s.experiments.winner >= 0,
    `R0's comparison ran: ${runs.map((r) => `${r.name} ${(100 * r.test_acc).toFixed(2)}%`).join(', ')}; winner ${runs[s.experiments.winner].name}`);
  await t.shot('views-experiments.png');
  await t.finish();
} catch (e) {
  await t.finish(e);
}
