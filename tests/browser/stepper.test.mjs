// Browser test of the backprop stepper: LeNet-5 trained for a moment, then one whole training
// step walked through with real key presses (→ ← Home L U), the gradient check and a what-if
// edit by real mouse clicks and typing, and the update applied to the model. Reads the app's
// read-only JSON state (window.bplState()); screenshots of the forward conv step, the loss, a
// backward conv step and the update.
// Usage: node tests/browser/stepper.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('stepper', { width: 1400, height: 860 });
const { page, url, check, state, center, frames, click, until } = t;
const key = async (k) => { await t.key(k); return (await state()).stepper; };
try {

  // LeNet-5 (R0's CNN) through a shared link
  await page.goto(url + '#model.preset=r0-lenet5');
  await t.ready();
  let s = await state();
  check(s.preset === 'r0-lenet5', `LeNet-5 chosen (${s.layers})`);
  // one epoch with "Step epoch" (a fixed number of batches: the same weights every run), then the stepper
  await click(...center(s.ui.step_epoch));
  s = await until((x) => x.epoch >= 1 && x.state === 'paused', null, { timeout: 60000, what: 'Step epoch to finish an epoch and pause' });
  check(s.state === 'paused' && s.epoch === 1, `Step epoch trained ${s.batches} batches, then paused`);

  // open the stepper with a real click on its tab
  await click(...center(s.ui.tab_stepper));
  let st = (await until((x) => x.stepper && x.stepper.ready, null, { timeout: 10000, what: 'the stepper to trace a step' })).stepper;
  check(st.op === 0 && st.kind === 'forward' && st.layer_type === 'conv' && st.ops === 31,
    `the stepper opens on the first forward conv (op ${st.op + 1} of ${st.ops}: ${st.title})`);
  check(st.equation.startsWith('z¹[c,i,j] = b¹[c] + Σ'), `its equation: ${st.equation}`);
  await t.shot('stepper-forward-conv.png');

  // a test image the model gets wrong (a real click): the step has something to fix
  s = await state();
  await click(...center(s.ui.stepper_misclassified));
  st = (await state()).stepper;
  check(st.predicted !== st.label && st.op === 0, `"A misclassified one": test image ${st.sample}, label ${st.label}, predicted ${st.predicted}`);

  await page.mouse.move(5, 850);   // no tooltip over the screenshots
  await frames(2);
  // walk the whole step with → and record what each operation is
  const seen = [{ kind: st.kind, layer: st.layer, type: st.layer_type }];
  const lossBefore = st.loss_before, lossAfter = st.loss_after;
  let shotLoss = false, shotBackConv = false, shotUpdate = false;
  for (let i = 1; i < st.ops; i++) {
    const x = await key('ArrowRight');
    seen.push({ kind: x.kind, layer: x.layer, type: x.layer_type });
    if (x.kind === 'loss' && !shotLoss) { await t.shot('stepper-loss.png'); shotLoss = true; }
    if (x.kind === 'backward' && x.layer_type === 'conv' && !shotBackConv) {
      await t.shot('stepper-backward-conv.png'); shotBackConv = true;
    }
    if (x.kind === 'update' && !shotUpdate) { await t.shot('stepper-update.png'); shotUpdate = true; }
  }
  const kinds = seen.map((o) => o.kind).join(',');
  const expected = [...Array(12).fill('forward'), 'loss', 'loss gradient', ...Array(12).fill('backward'), ...Array(5).fill('update')].join(',');
  check(kinds === expected, `→ walked forward ×12, loss, loss gradient, backward ×12, update ×5 (${seen.length} operations)${kinds === expected ? '' : ': saw ' + seen.map((o) => o.kind + o.layer).join(' ')}`);
  const fwdLayers = seen.filter((o) => o.kind === 'forward').map((o) => o.layer).join(',');
  const bwdLayers = seen.filter((o) => o.kind === 'backward').map((o) => o.layer).join(',');
  check(fwdLayers === '0,1,2,3,4,5,6,7,8,9,10,11' && bwdLayers === '11,10,9,8,7,6,5,4,3,2,1,0',
    `the forward pass goes through the layers in order, the backward pass in reverse`);
  check(shotLoss && shotBackConv && shotUpdate, 'screenshots of the loss, a backward conv step and the update');
  st = await key('ArrowRight');
  check(st.op === st.ops - 1, '→ at the last operation stays there');
  check(Number.isFinite(lossBefore) && lossAfter < lossBefore,
    `the update helps: loss on this image ${lossBefore.toFixed(5)} before → ${lossAfter.toFixed(5)} after`);
  st = await key('ArrowLeft');
  check(st.op === st.ops - 2, `← steps back (op ${st.op + 1})`);
  st = await key('Home');
  check(st.op === 0, 'Home restarts');
  // space plays at 3 steps/s: op 3 (two steps) comes after 2/3 s, and within 1.5 s
  const tPlay = Date.now();
  st = await key(' ');
  const played = (await until((x) => x.stepper.op >= 2, null, { timeout: 5000, what: 'playback to reach op 3' })).stepper;
  const playSecs = (Date.now() - tPlay) / 1000;
  st = await key(' ');
  // paused: over 45 frames (0.75 s at 60 Hz, two steps' time at 3 steps/s) the op stays
  await frames(45);
  const stopped = (await state()).stepper;
  check(played.playing && playSecs >= 0.5 && playSecs <= 1.5 && !stopped.playing && stopped.op === st.op,
    `space plays (at 3 steps/s: op ${played.op + 1} after ${playSecs.toFixed(2)} s) and pauses (stays at op ${stopped.op + 1})`);
  st = await key('l');
  check(st.kind === 'loss', 'L jumps to the loss');
  st = await key('u');
  check(st.kind === 'update' && st.layer === 0, 'U jumps to the first update');

  // gradient check by a real click
  s = await state();
  await click(...center(s.ui.stepper_checks));
  st = (await until((x) => x.stepper.checks.length > 0, null, { timeout: 10000, what: 'the gradient checks', soft: true })).stepper;
  // float32: agreement to ~1e-3, or within the finite difference's own uncertainty where the loss barely moves;
  // a corner (kink) agrees only when backprop's value lies between the one-sided slopes: a kink alone is no pass
  const good = st.checks.filter((c) => c.agrees);
  check(st.checks.length === 11 && good.length === st.checks.length,
    `finite differences agree with backprop: ${st.checks.map((c) => `${c.label} ${c.rel_error.toExponential(1)}${c.kink ? ' (corner)' : ''}`).join(', ')}`);
  await t.shot('stepper-gradcheck.png');

  // what-if: click a weight of W¹ (the first picture the update reads), type a value, Set
  s = await state();
  const hashBefore = s.weights_hash;
  await click(s.ui.stepper_map_r0[0] + 4, s.ui.stepper_map_r0[1] + 4);
  s = await until((x) => !!x.ui.stepper_value, null, { timeout: 5000, what: 'the weight editor', soft: true });
  check(!!s.ui.stepper_value, 'clicking a weight selects it for editing');
  await click(...center(s.ui.stepper_value));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2.5');
  await page.keyboard.press('Enter');
  await frames(2);
  s = await state();
  await click(...center(s.ui.stepper_set));
  s = await until((x) => x.stepper.edits > 0, null, { timeout: 10000, what: 'the edit to re-run the step', soft: true });
  st = s.stepper;
  check(st.edits === 1 && st.loss_before !== lossBefore && s.weights_hash === hashBefore,
    `what-if: W¹ edited, the step re-ran (loss ${lossBefore.toFixed(5)} → ${st.loss_before.toFixed(5)}), the model untouched`);
  await t.shot('stepper-whatif.png');

  // Reset edits by a click: back to the real weights; then apply the update
  await click(...center(s.ui.stepper_reset_edits));
  s = await until((x) => x.stepper.edits === 0, null, { timeout: 10000, what: 'Reset edits', soft: true });
  st = s.stepper;
  check(st.edits === 0 && st.loss_before === lossBefore, `Reset edits restores the traced step (loss ${st.loss_before.toFixed(5)})`);
  const before = st.loss_before, after = st.loss_after, h0 = s.weights_hash;
  await click(...center(s.ui.stepper_apply));
  s = await until((x) => x.stepper.applied > 0, null, { timeout: 10000, what: 'Apply', soft: true });
  st = s.stepper;
  check(st.applied === 1 && s.weights_hash !== h0, `Apply writes the update into the model (weights ${h0} → ${s.weights_hash})`);
  check(Math.abs(st.loss_before - after) < 1e-9,
    `the model took exactly the traced step: its loss on the image is now ${st.loss_before.toFixed(6)} (the trace said ${after.toFixed(6)}, was ${before.toFixed(6)})`);
  await t.finish();
} catch (e) {
  await t.finish(e);
}
