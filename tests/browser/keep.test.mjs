// Browser test: nothing a learner made is lost (issue 13, point 4), and the Report's galleries
// open the image clicked (point 8). Real mouse clicks and key presses aimed at the rectangles of
// window.bplState().ui; one browser profile, so IndexedDB survives the reloads:
//   train → type a space in the Layers box (same model, nothing changes) → other layers: the
//   trained model stays, Start asks "Discard N trained epochs?", Cancel keeps it, Save keeps it
//   in the Runs list and starts the new run → Reset + Undo reset → the Report: a cell's gallery
//   and the most confident mistakes each open the menu of the image clicked, and "Step through
//   backprop on it" steps through that image → Fashion-MNIST from the Data menu keeps the model
//   → reload with a link: the link applies, the saved runs stay and open → reload, "Start
//   fresh": the saved runs stay → a full storage is reported, nothing saved is touched.
// Usage: node tests/browser/keep.test.mjs SITE_DIR SCREENSHOT_DIR
import { openApp } from './harness.mjs';

const t = await openApp('keep', { width: 1280, height: 800 }, { persistent: true });
const { page, url, check, state, center, click, frames, key, until, untilPage } = t;

// the runs stored in IndexedDB (index.html's Runs list): [{ id, name, epochs }]
const storedRuns = () => new Promise((resolve) => {
  const r = indexedDB.open('backprop-lab', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('sessions');
  r.onerror = () => resolve(null);
  r.onsuccess = () => {
    const out = [];
    const c = r.result.transaction('sessions', 'readonly').objectStore('sessions').openCursor();
    c.onsuccess = () => {
      const cur = c.result;
      if (!cur) { r.result.close(); resolve(out); return; }
      if (cur.value && cur.value.bytes) out.push({ id: String(cur.key), name: cur.value.name, epochs: cur.value.epochs });
      cur.continue();
    };
    c.onerror = () => { r.result.close(); resolve(null); };
  };
});
// types text into the focused field one key at a time, a couple of frames apart (ImGui reads
// input once per frame)
const typeText = async (text) => {
  for (const ch of text) { await page.keyboard.type(ch); await frames(2); }
};
// scrolls the panel under the middle of the window with the mouse wheel, as a learner would,
// until the rectangle `name` is inside the window (above the status line)
const scrollTo = async (name) => {
  const vh = page.viewportSize().height;
  for (let i = 0; i < 40; i++) {
    const s = await state();
    const r = s.ui[name];
    if (r && r[1] >= 60 && r[1] + r[3] <= vh - 40) return s;
    await page.mouse.move(640, 400);
    await page.mouse.wheel(0, r && r[1] < 60 ? -120 : 120);
    await frames(3);
  }
  return state();
};
const openTab = async (name) => {
  const s = await state();
  await click(...center(s.ui['tab_' + name]));
  return until((x, n) => x.view === n, name, { timeout: 5000, what: `the ${name} view` });
};

try {
  await page.goto(url);
  let s = await t.ready();
  await click(...center(s.ui.start));
  s = await until((x) => x.epoch >= 1 && x.test_accuracy !== null, null, { timeout: 60000, what: 'one epoch' });
  await click(...center(s.ui.start));   // Pause: autosaves the run
  s = await until((x) => x.state === 'paused' && x.runs.length === 1, null, { timeout: 10000, what: 'the run in the Runs list' });
  const trained = s;
  check(trained.runs[0].epochs === trained.epoch, `pausing saves the run in the Runs list (${JSON.stringify(trained.runs[0])})`);

  // ---- the Layers box: a space is no change at all
  await click(...center(s.ui.layers_text));
  await key('End');
  await typeText(' ');
  s = await until((x, l) => x.layers === l, trained.layers + ' ', { timeout: 5000, what: 'the typed space' });
  check(s.weights_hash === trained.weights_hash && s.preset === trained.preset && s.history_epochs === trained.history_epochs,
    `a space in the Layers box keeps the model, its history and the preset (${s.preset}, weights ${s.weights_hash})`);
  // other layers: the trained model stays until a new run is confirmed
  await page.keyboard.down('Control'); await frames(2);   // select all, as a hand does
  await key('a');
  await page.keyboard.up('Control'); await frames(2);
  await typeText('dense(32), relu, dense(10)');
  s = await until((x) => x.layers === 'dense(32), relu, dense(10)', null, { timeout: 10000, what: 'the new layers' });
  check(s.weights_hash === trained.weights_hash && s.history_epochs === trained.history_epochs && s.validation === '',
    `new layers typed: the trained model stays (weights ${s.weights_hash}, ${s.history_epochs} epochs)`);
  await click(...center(s.ui.start));
  s = await until((x) => x.new_run_question !== '' && !!x.ui.newrun_cancel, null, { timeout: 5000, what: 'the new-run question' });
  check(s.new_run_question === `Discard ${trained.epoch} trained epoch${trained.epoch === 1 ? '' : 's'}?` && s.state === 'paused',
    `Start asks first: "${s.new_run_question}"`);
  await t.shot('keep-new-run-question.png');
  await click(...center(s.ui.newrun_cancel));
  s = await until((x) => x.new_run_question === '', null, { timeout: 5000, what: 'the question to close' });
  check(s.weights_hash === trained.weights_hash && s.state === 'paused', 'Cancel keeps the trained model');
  await click(...center(s.ui.start));
  s = await until((x) => !!x.ui.newrun_save, null, { timeout: 5000, what: 'the new-run question' });
  await click(...center(s.ui.newrun_save));
  s = await until((x) => x.runs.length === 2 && x.state === 'training', null, { timeout: 10000, what: 'Save: the run kept, the new one started' });
  check(s.layers === 'dense(32), relu, dense(10)' && s.runs.some((r) => r.epochs === trained.epoch && r.model === trained.layers),
    `Save keeps the trained model in the Runs list and starts the new run (${s.runs.map((r) => r.model + ' · ' + r.epochs).join(' | ')})`);
  s = await until((x) => x.batches > 5, null, { timeout: 10000, what: 'a few batches' });
  await click(...center(s.ui.start));   // Pause
  s = await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'Pause' });

  // ---- Reset, then Undo reset: the same weights and history
  const beforeReset = s;
  await click(...center(s.ui.reset));
  s = await until((x) => x.can_undo_reset && !!x.ui.undo_reset, null, { timeout: 5000, what: 'Undo reset' });
  check(s.weights_hash !== beforeReset.weights_hash && s.batches === 0, 'Reset: fresh weights, nothing trained');
  await t.shot('keep-undo-reset.png');
  await click(...center(s.ui.undo_reset));
  s = await until((x) => !x.can_undo_reset, null, { timeout: 5000, what: 'the undo' });
  check(s.weights_hash === beforeReset.weights_hash && s.batches === beforeReset.batches && s.history_epochs === beforeReset.history_epochs,
    `Undo reset brings back the weights (${s.weights_hash}) and ${s.batches} batches`);

  // ---- the Report's galleries: a cell's images and the confident mistakes, each its own menu
  // back to the trained model (the Runs list: the model kept by Save)
  s = await state();
  await click(...center(s.ui.menu_file));
  s = await until((x) => !!x.ui.menu_runs, null, { timeout: 5000, what: 'File → Runs…' });
  await click(...center(s.ui.menu_runs));
  s = await until((x) => !!x.ui.run_open_0, null, { timeout: 5000, what: 'the Runs window' });
  const keptIndex = s.runs.findIndex((r) => r.model === trained.layers);
  await t.shot('keep-runs-window.png');
  await click(...center(s.ui['run_open_' + keptIndex]));
  s = await until((x, h) => x.weights_hash === h, trained.weights_hash, { timeout: 10000, what: 'the kept run to open', soft: true });
  check(s.weights_hash === trained.weights_hash && s.history_epochs === trained.history_epochs,
    `the kept run opens from the Runs list: weights ${s.weights_hash}, ${s.history_epochs} epochs`);
  s = await until((x) => !x.ui.runs_window, null, { timeout: 5000, what: 'the Runs window to close' });
  s = await openTab('report');
  if (!s.report.ready) {
    await click(...center(s.ui.report_run));
    s = await until((x) => x.report.ready, null, { timeout: 10000, what: 'the report' });
  }
  // the cell (1, 1): the ones recognised as ones
  const cm = s.ui.report_cm, cell = cm[2] / 10;
  await click(cm[0] + 1.5 * cell, cm[1] + 1.5 * cell);
  s = await until((x) => x.report.sel_truth === 1 && !!x.ui.gallery_cell_2 && !!x.ui.gallery_mistakes_1, null,
    { timeout: 5000, what: 'the cell gallery' });
  const cellImage = s.report.gallery_cell[2], mistakeImage = s.report.gallery_mistakes[1];
  s = await scrollTo('gallery_cell_2');
  await click(...center(s.ui.gallery_cell_2));
  s = await until((x) => x.report.menus_open > 0 && !!x.ui.gallery_step, null, { timeout: 5000, what: 'the cell image menu', soft: true });
  check(s.report.menus_open === 1 && s.report.menu_image === cellImage,
    `a click on the cell gallery's third image opens one menu, for test image ${cellImage} (menu for ${s.report.menu_image}, ${s.report.menus_open} open)`);
  await t.shot('keep-gallery-cell-menu.png');
  await click(...center(s.ui.gallery_step));
  s = await until((x) => x.view === 'stepper' && x.stepper.ready, null, { timeout: 10000, what: 'the stepper', soft: true });
  check(s.view === 'stepper' && s.stepper.sample === cellImage, `"Step through backprop on it" steps through test image ${cellImage} (stepper: ${s.stepper && s.stepper.sample})`);
  s = await openTab('report');
  s = await until((x) => !!x.ui.gallery_mistakes_1, null, { timeout: 5000, what: 'the mistakes gallery' });
  s = await scrollTo('gallery_mistakes_1');
  await click(...center(s.ui.gallery_mistakes_1));
  s = await until((x) => x.report.menus_open > 0 && !!x.ui.gallery_step, null, { timeout: 5000, what: 'the mistake menu', soft: true });
  check(s.report.menus_open === 1 && s.report.menu_image === mistakeImage,
    `a confident mistake opens one menu, for test image ${mistakeImage} (menu for ${s.report.menu_image}, ${s.report.menus_open} open)`);
  await t.shot('keep-gallery-mistake-menu.png');
  await click(...center(s.ui.gallery_step));
  s = await until((x) => x.view === 'stepper' && x.stepper.ready, null, { timeout: 10000, what: 'the stepper', soft: true });
  check(s.stepper.sample === mistakeImage, `the mistake's "Step through backprop on it" steps through test image ${mistakeImage} (stepper: ${s.stepper.sample})`);
  await t.shot('keep-stepper-mistake.png');

  // ---- Fashion-MNIST from the Data menu: the same shape, the model stays
  s = await openTab('train');
  const beforeData = s;
  await click(...center(s.ui.menu_data));
  s = await until((x) => !!x.ui.data_2, null, { timeout: 5000, what: 'the Data menu' });
  await t.shot('keep-data-menu.png');
  await click(...center(s.ui.data_2));
  s = await until((x) => x.dataset === 'Fashion-MNIST' && x.data_ready, null, { timeout: 30000, what: 'Fashion-MNIST' });
  check(s.weights_hash === beforeData.weights_hash && s.history_epochs === beforeData.history_epochs,
    `switching to Fashion-MNIST keeps the model (weights ${s.weights_hash}, ${s.history_epochs} epochs): "${s.notice}"`);
  await click(...center(s.ui.step_epoch));
  s = await until((x, e) => x.epoch > e, beforeData.epoch, { timeout: 60000, what: 'an epoch on Fashion-MNIST' });
  check(s.epoch === beforeData.epoch + 1 && s.new_run_question === '', `training goes on on Fashion-MNIST: epoch ${beforeData.epoch} → ${s.epoch}`);
  s = await until((x) => x.state === 'paused' && x.runs.length >= 2, null, { timeout: 10000, what: 'paused' });
  const saved = await untilPage(storedRuns, null, { timeout: 10000, what: 'the stored runs' });

  // ---- a link over the saved session: the link applies, the runs stay and open
  await page.goto(url + '#training.learning_rate=0.02&model.layers=' + encodeURIComponent('dense(24), tanh, dense(10)'));
  await page.reload();
  s = await t.ready();
  s = await until((x, n) => x.runs.length === n, saved.length, { timeout: 10000, what: 'the Runs list', soft: true });
  check(s.layers === 'dense(24), tanh, dense(10)' && s.lr === 0.02 && s.restore_offer === '' && s.history_epochs === 0,
    `a link opened over a saved session applies the link (${s.layers}, lr ${s.lr}), no restore offer`);
  check(s.runs.length === saved.length && s.notice.includes('File → Runs'),
    `… and keeps the saved runs (${s.runs.length} of ${saved.length}): "${s.notice}"`);
  await t.shot('keep-link-over-session.png');
  await click(...center(s.ui.menu_file));
  s = await until((x) => !!x.ui.menu_runs, null, { timeout: 5000, what: 'File → Runs…' });
  await click(...center(s.ui.menu_runs));
  s = await until((x) => !!x.ui.run_open_0, null, { timeout: 5000, what: 'the Runs window' });
  const newest = s.runs[0];
  await click(...center(s.ui.run_open_0));
  s = await until((x, id) => x.run_id === id && x.history_epochs > 0, newest.id, { timeout: 10000, what: 'the newest run to open', soft: true });
  check(s.history_epochs === newest.epochs && s.run_id === newest.id, `the saved session opens from the Runs list (${s.history_epochs} epochs, ${s.layers})`);

  // ---- reload without a link: the offer; "Start fresh" deletes nothing
  await page.goto(url);
  await page.reload();
  s = await t.ready();
  s = await until((x) => x.restore_offer !== '' && !!x.ui.restore_no, null, { timeout: 30000, what: 'the restore offer' });
  await t.shot('keep-restore-offer.png');
  await click(...center(s.ui.restore_no));
  s = await until((x) => x.restore_offer === '', null, { timeout: 5000, what: 'the offer to close' });
  const after = await untilPage(storedRuns, null, { timeout: 10000, what: 'the stored runs' });
  check(after.length === saved.length && s.runs.length === saved.length && s.history_epochs === 0,
    `"Start fresh" keeps every saved run (${after.length} stored, ${s.runs.length} listed): "${s.notice}"`);

  // ---- storage full: reported, and nothing stored before is touched (the browser refuses the
  // write as it does when the quota is spent)
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = function () { throw new DOMException('quota exceeded', 'QuotaExceededError'); };
  });
  await click(...center(s.ui.start));
  s = await until((x) => x.batches > 3, null, { timeout: 10000, what: 'a few batches' });
  await click(...center(s.ui.start));   // Pause: the autosave is refused
  s = await until((x) => x.notice.includes('could not save'), null, { timeout: 10000, what: 'the storage notice', soft: true });
  const full = await untilPage(storedRuns, null, { timeout: 10000, what: 'the stored runs' });
  check(s.notice.includes('storage for this page is full') && full.length === saved.length && s.runs.length === saved.length,
    `a full storage is reported and the saved runs stay (${full.length} stored): "${s.notice}"`);
  await t.shot('keep-storage-full.png');
  await t.finish();
} catch (e) {
  await t.finish(e);
}
