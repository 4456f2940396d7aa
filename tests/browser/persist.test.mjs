// Browser test: nothing is lost and bad input is refused. Real mouse clicks; the app's
// read-only state (window.bplState()) is read to check. In one browser profile:
//   train, pause (autosave) → reload → "Restore it" → the same weights and history, training resumes;
//   File → Save the model downloads a .bplm; a corrupt file dropped on the page is refused and
//   the model stays; a shared link applies its settings; an invalid link is reported and ignored.
// Usage: node tests/browser/persist.test.mjs SITE_DIR SCREENSHOT_DIR
import fs from 'node:fs';
import { openApp } from './harness.mjs';

const t = await openApp('persist', { width: 1280, height: 800 }, { persistent: true, acceptDownloads: true });
const { page, url, check, state, center, click, until, untilPage } = t;

// the newest autosaved session in IndexedDB (index.html's Runs list, one record per run): its
// summary and time, or null
const storedSession = () => new Promise((resolve) => {
  const r = indexedDB.open('backprop-lab', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('sessions');
  r.onerror = () => resolve(null);
  r.onsuccess = () => {
    let newest = null;
    const c = r.result.transaction('sessions', 'readonly').objectStore('sessions').openCursor();
    c.onsuccess = () => {
      const cur = c.result;
      if (!cur) { r.result.close(); resolve(newest); return; }
      const v = cur.value;
      if (v && v.bytes && (!newest || v.saved > newest.saved)) newest = { summary: v.summary, saved: v.saved };
      cur.continue();
    };
    c.onerror = () => { r.result.close(); resolve(null); };
  };
});
// drops a file on the page as a learner would drag it from the desktop
const drop = (bytes, name) => page.evaluate(([b, n]) => {
  const dt = new DataTransfer();
  dt.items.add(new File([new Uint8Array(b)], n));
  window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
}, [bytes, name]);

try {
  await page.goto(url);
  let s = await t.ready();
  check(s.restore_offer === '', 'a fresh profile offers nothing to restore');
  await click(...center(s.ui.start));
  s = await until((x) => x.epoch >= 2, null, { timeout: 30000, what: 'two epochs', soft: true });
  check(s.epoch >= 2, `trained two epochs (epoch ${s.epoch})`);
  const tPause = await page.evaluate(() => Date.now());
  await click(...center(s.ui.start));   // Pause: autosaves
  s = await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'Pause' });
  // the autosave has landed in IndexedDB: a record written after the pause, with this history
  const saved = await untilPage(storedSession, null, { timeout: 10000, what: 'the autosave in IndexedDB' });
  check(saved.saved >= tPause && saved.summary.includes(`${s.history_epochs} epoch(s) trained`),
    `pausing autosaves the session: "${saved.summary}"`);
  const before = await state();
  await t.shot('persist-before-reload.png');

  await page.reload();
  await t.ready();
  s = await until((x) => x.restore_offer !== '' && !!x.ui.restore_yes, null, { timeout: 30000, what: 'the restore offer', soft: true });
  check(s.restore_offer !== '' && !!s.ui.restore_yes, 'after a reload the app offers to restore the session');
  await t.shot('persist-restore-offer.png');
  await click(...center(s.ui.restore_yes));
  s = await until((x) => x.history_epochs > 0, null, { timeout: 30000, what: 'the restored history', soft: true });
  check(s.weights_hash === before.weights_hash && s.epoch === before.epoch && s.test_accuracy === before.test_accuracy,
    `reload restores the model: weights ${s.weights_hash} (before ${before.weights_hash}), epoch ${s.epoch}, test accuracy ${s.test_accuracy}`);
  await click(...center(s.ui.start));   // Resume
  s = await until((x, e) => x.epoch > e, before.epoch, { timeout: 30000, what: 'an epoch after the restored one', soft: true });
  check(s.epoch > before.epoch, `training resumes from the restored epoch (${before.epoch} → ${s.epoch})`);
  await click(...center(s.ui.start));
  await until((x) => x.state === 'paused', null, { timeout: 5000, what: 'Pause' });
  await t.shot('persist-resumed.png');

  // File → Save the model: a .bplm download
  s = await state();
  await click(...center(s.ui.menu_file));
  s = await until((x) => !!x.ui.menu_save, null, { timeout: 5000, what: 'the File menu' });
  const dl = page.waitForEvent('download', { timeout: 10000 });
  await click(...center(s.ui.menu_save));
  let file = null;
  try { file = fs.readFileSync(await (await dl).path()); } catch (e) { console.log('  no download: ' + e.message); }
  check(file && file.subarray(0, 4).toString() === 'BPLM' && file.length > 1000, `File → Save the model downloads a .bplm (${file ? file.length : 0} bytes)`);

  // a corrupt model dropped on the page: refused, the model stays
  const hashBefore = (await state()).weights_hash;
  const corrupt = Array.from(file || []);
  if (corrupt.length > 100) corrupt[60] ^= 0xff;
  await drop(corrupt, 'corrupt.bplm');
  s = await until((x) => x.notice.includes('corrupt.bplm'), null, { timeout: 10000, what: 'a notice about corrupt.bplm', soft: true });
  check(s.notice.includes('could not load corrupt.bplm') && s.weights_hash === hashBefore, `a corrupt file is refused: "${s.notice}"`);
  // the good file dropped: loads
  await drop(Array.from(file || []), 'saved.bplm');
  s = await until((x) => x.notice.includes('saved.bplm'), null, { timeout: 10000, what: 'a notice about saved.bplm', soft: true });
  check(s.notice.startsWith('loaded saved.bplm') && s.weights_hash === hashBefore, `the saved file dropped on the page loads: "${s.notice}"`);

  // shareable links
  await page.goto(url + '#training.optimizer=momentum&training.learning_rate=0.005&training.batch_size=64&model.layers=' +
    encodeURIComponent('dense(64), tanh, dense(10)'));
  await page.reload();   // a link opened afresh (goto with only a new #hash does not reload)
  s = await t.ready();
  check(s.lr === 0.005 && s.batch_size === 64 && s.optimizer === 'momentum' && s.layers === 'dense(64), tanh, dense(10)',
    `a shared link applies its settings (lr ${s.lr}, batch ${s.batch_size}, ${s.optimizer}, ${s.layers})`);
  await page.goto(url + '#training.batch_size=0&training.learning_rate=0.3');
  await page.reload();
  s = await t.ready();
  check(s.notice.includes('ignored') && s.batch_size !== 0 && s.lr !== 0.3, `an invalid link is reported and ignored: "${s.notice}"`);
  await t.shot('persist-bad-link.png');
  await t.finish();
} catch (e) {
  await t.finish(e);
}
