// Browser test of a layer added through the registry alone: LeNet-5 with batch normalisation
// after each convolution, opened by a shared link, trained one epoch by a real click, then the
// stepper on the batchnorm layer's forward and backward steps (real key presses), its
// explanation under the pointer (γ, μ, σ² with the numbers), and the gradient check by a click.
// Usage: node tests/browser/stepper-batchnorm.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('stepper-batchnorm', { width: 1400, height: 860 });
const { page, url, check, state, center, frames, click, until } = t;
const layers = 'conv(6, 5), batchnorm, relu, maxpool(2), conv(16, 5), batchnorm, relu, maxpool(2), flatten, ' +
  'dense(120), relu, dense(84), relu, dense(10)';
try {
  await page.goto(url + '#model.preset=r0-lenet5&model.layers=' + encodeURIComponent(layers));
  await t.ready();
  let s = await state();
  check(s.layers.replace(/\s/g, '') === layers.replace(/\s/g, ''), `LeNet-5 with batch norm from the link (${s.layers})`);
  await click(...center(s.ui.step_epoch));
  s = await until((x) => x.epoch >= 1 && x.state === 'paused' && Number(x.test_accuracy) > 0, null,
    { timeout: 90000, what: 'Step epoch to finish an epoch and its test evaluation' });
  check(s.history_epochs === 1 && s.test_accuracy > 0.8, `one epoch trained: test accuracy ${(100 * s.test_accuracy).toFixed(2)}%`);

  await click(...center(s.ui.tab_stepper));
  let st = (await until((x) => x.stepper && x.stepper.ready, null, { timeout: 10000, what: 'the stepper to trace a step' })).stepper;
  // → to the batchnorm forward step (layer 2)
  st = (await t.key('ArrowRight'), await state()).stepper;
  check(st.kind === 'forward' && st.layer_type === 'batchnorm' && st.equation.includes('γ²[c]') && st.equation.includes('√(σ²[c] + ε)'),
    `→ reaches the batchnorm forward step: ${st.equation}`);
  // the explanation of the value under the pointer, with the real numbers
  s = await state();
  const out = s.ui.stepper_map_w0;
  check(!!out, 'the written tensor is on screen');
  await page.mouse.move(out[0] + out[2] * 0.3, out[1] + out[3] * 0.4);
  s = await until((x) => x.stepper.hover.includes('γ²['), null, { timeout: 5000, what: 'the explanation tooltip' , soft: true });
  check(/μ\[\d\] = .*σ²\[\d\] = /.test(s.stepper.hover) && / = [−\d.e]+ · \([−\d.e]+ − \(?[−\d.e]+\)?\) \/ √\(/.test(s.stepper.hover),
    `hovering a normalised value explains it with the numbers: ${s.stepper.hover.replace(/\n/g, ' | ')}`);
  await t.shot('stepper-batchnorm-forward.png');

  // B: the backward pass; → until the batchnorm layer's backward step
  await page.mouse.move(5, 850);
  await t.key('b');
  for (let i = 0; i < 20; i++) {
    st = (await state()).stepper;
    if (st.kind === 'backward' && st.layer === 1) break;
    await t.key('ArrowRight');
  }
  check(st.kind === 'backward' && st.layer_type === 'batchnorm' && st.equation.includes('∂L/∂γ²') && st.equation.includes('(N·') && st.equation.includes('γ²[c] / (N·'),
    `the batchnorm backward step: ${st.equation}`);
  s = await state();
  await page.mouse.move(s.ui.stepper_map_w0[0] + 20, s.ui.stepper_map_w0[1] + s.ui.stepper_map_w0[3] * 0.5);
  s = await until((x) => x.stepper.hover.includes('∂L/∂γ'), null, { timeout: 5000, what: 'the explanation of ∂L/∂γ', soft: true });
  check(s.stepper.hover.includes('∂L/∂γ²['), `∂L/∂γ explained: ${s.stepper.hover.replace(/\n/g, ' | ')}`);
  await t.shot('stepper-batchnorm-backward.png');
  await page.mouse.move(5, 850);

  // the gradient check by a click: γ, β and every weight agree with finite differences
  await click(...center(s.ui.stepper_checks));
  s = await until((x) => x.stepper.checks.length > 0, null, { timeout: 30000, what: 'the gradient checks' });
  const checks = s.stepper.checks;
  const gammas = checks.filter((c) => c.label.startsWith('γ') || c.label.startsWith('β'));
  check(gammas.length === 4 && checks.every((c) => c.agrees),
    `gradient check: ${checks.length} values agree, γ and β of both batchnorm layers among them (${gammas.map((c) => `${c.label} ${c.analytic.toExponential(3)}`).join(', ')})`);
  await t.shot('stepper-batchnorm-gradcheck.png');
  await t.finish();
} catch (e) {
  await t.finish(e);
}
