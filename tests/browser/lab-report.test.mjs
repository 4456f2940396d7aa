// Browser test of the lab report (issue 14, point 4), by real clicks: one epoch of the default
// preset (Step epoch), the Report view, "Export lab report" → a download; the downloaded page
// opened in Chromium from a file: it makes no request, and its test accuracy, parameter count,
// confusion counts and epochs are the app's (window.bplState()). The same from File → Export lab
// report. Screenshots: the Report view with its button, the page at 1366 px and at 390 px (phone),
// the page as printed.
// Usage: node tests/browser/lab-report.test.mjs SITE_DIR SCREENSHOT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { openApp, shots } from './harness.mjs';

const t = await openApp('lab-report', { width: 1366, height: 768 }, { acceptDownloads: true });
const { page, url, check, state, center, click, until } = t;

// clicks `rect` and returns the bytes of the download it starts
const download = async (rect, what) => {
  const dl = page.waitForEvent('download', { timeout: 20000 });
  await click(...center(rect));
  const d = await dl;
  check(d.suggestedFilename() === 'backprop-lab-report.html', `${what} downloads backprop-lab-report.html (${d.suggestedFilename()})`);
  return fs.readFileSync(await d.path());
};

// what the opened page says: the numbers in its data attributes, its links and images
const readReport = () => ({
  accuracy: Number(document.getElementById('test-accuracy').dataset.accuracy),
  accuracyText: document.getElementById('test-accuracy').textContent,
  params: Number(document.getElementById('model-total').dataset.params),
  layerParams: [...document.querySelectorAll('table.model tbody td[data-params]')].map((e) => Number(e.dataset.params)),
  counts: [...document.querySelectorAll('#cm-counts td[data-count]')].map((e) => Number(e.dataset.count)),
  cells: [...document.querySelectorAll('#cm-counts td[data-count]')].map((e) => [Number(e.dataset.t), Number(e.dataset.p)]),
  epochs: [...document.querySelectorAll('tr[data-epoch]')].map((e) => Number(e.dataset.epoch)),
  testAccs: [...document.querySelectorAll('tr[data-epoch]')].map((e) => Number(e.dataset.testAcc)),
  refs: [...document.querySelectorAll('[src], [href]')].map((e) => e.getAttribute('src') || e.getAttribute('href')),
  images: [...document.images].map((i) => [i.complete, i.naturalWidth]),
  sections: [...document.querySelectorAll('section[id]')].map((e) => e.id),
  curves: document.querySelectorAll('svg.chart path.series').length,
  title: document.title,
  pageWidth: document.documentElement.scrollWidth,
});

try {
  await page.goto(url);
  let s = await t.ready();
  // one epoch of the default preset, by a real click on Step epoch; its test evaluation is the report
  await click(...center(s.ui.step_epoch));
  s = await until((x) => x.epoch >= 1 && x.report.ready && x.report.epoch === 1 && x.state !== 'training', null,
    { timeout: 90000, what: 'one epoch and its report' });
  check(s.epoch === 1 && s.report.ready, `Step epoch trains one epoch of ${s.preset} (test accuracy ${(100 * s.test_accuracy).toFixed(2)}%)`);
  await click(...center(s.ui.tab_report));
  s = await until((x) => x.view === 'report' && !!x.ui.export_lab_report, null, { timeout: 5000, what: 'the Report view and its button' });
  await t.shot('lab-report-view.png');
  const before = s;

  // ---- the Report view's button
  const bytes = await download(s.ui.export_lab_report, 'the Report view\'s "Export lab report"');
  s = await state();
  check(s.weights_hash === before.weights_hash && s.report.accuracy === before.report.accuracy,
    'exporting changes nothing in the app (same weights, same report)');
  const file = path.join(shots, 'lab-report.html');
  fs.writeFileSync(file, bytes);
  check(bytes.subarray(0, 15).toString() === '<!DOCTYPE html>', `the download is an HTML page (${bytes.length} bytes, kept as ${file})`);

  // ---- the page, opened from the file: nothing fetched, the app's numbers
  const view = await t.browser.newPage({ viewport: { width: 1366, height: 768 } });
  const requests = [];
  view.on('request', (r) => requests.push(r.url()));
  const errors = [];
  view.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await view.goto('file://' + file, { waitUntil: 'load' });
  const r = await view.evaluate(readReport);
  const external = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
  check(external.length === 0 && requests.filter((u) => u.startsWith('file:')).length === 1,
    `the page makes no request but its own file (${requests.length} request(s)${external.length ? ': ' + external.join(', ') : ''})`);
  check(errors.length === 0, `no console errors in the page (no blocked request either)${errors.length ? ': ' + errors.join(' | ') : ''}`);
  check(r.refs.every((u) => u.startsWith('data:image/png;base64,') || u.startsWith('#')),
    `every src is a data: URI and every link an anchor in the page (${r.refs.length})`);
  check(r.images.length >= 1 && r.images.every(([done, w]) => done && w === 28),
    `the ${r.images.length} mistake images are embedded PNGs that decode (28 px wide)`);
  check(r.accuracy === s.report.accuracy && r.accuracyText === (100 * s.report.accuracy).toFixed(2) + '%',
    `test accuracy ${r.accuracyText} = the app's (${s.report.accuracy})`);
  check(r.params === s.model_params && r.layerParams.reduce((a, b) => a + b, 0) === s.model_params,
    `parameters ${r.params} = the app's model (${s.model_params}), and the layers add up to it`);
  check(r.counts.length === 100 && JSON.stringify(r.counts) === JSON.stringify((s.report.confusion || []).flat()) &&
    r.cells.every(([tt, p], i) => tt === Math.floor(i / 10) && p === i % 10),
    `the 100 confusion counts are the app's, row by row (sum ${r.counts.reduce((a, b) => a + b, 0)} = ${s.report.count} test images)`);
  check(r.counts.reduce((a, b) => a + b, 0) === s.test_size, `the counts cover the ${s.test_size} test images`);
  check(JSON.stringify(r.epochs) === '[1]' && r.testAccs[0] === s.test_accuracy,
    `one epoch in the table, its test accuracy the app's (${r.testAccs[0]})`);
  const want = ['figures', 'model', 'settings', 'curves', 'epochs', 'confusion', 'classes', 'f1', 'mistakes', 'lessons'];
  check(want.every((id) => r.sections.includes(id)) && r.curves >= 4,
    `the sections: ${r.sections.join(', ')}; ${r.curves} curves`);
  await view.screenshot({ path: path.join(shots, 'lab-report-page.png'), fullPage: true });
  // a phone: one column, only the wide tables scroll (inside their boxes)
  await view.setViewportSize({ width: 390, height: 844 });
  const w = await view.evaluate(() => document.documentElement.scrollWidth);
  check(w <= 390, `at 390 px the page is no wider than the screen (${w} px)`);
  await view.screenshot({ path: path.join(shots, 'lab-report-phone.png'), fullPage: true });
  // printed: no navigation, the scroll boxes open
  await view.setViewportSize({ width: 1366, height: 768 });
  await view.emulateMedia({ media: 'print' });
  const printed = await view.evaluate(() => [getComputedStyle(document.querySelector('nav')).display,
    getComputedStyle(document.querySelector('.scroll')).overflowX]);
  check(printed[0] === 'none' && printed[1] === 'visible', `print style: no navigation, tables not clipped (${printed})`);
  await view.screenshot({ path: path.join(shots, 'lab-report-print.png'), fullPage: true });
  await view.close();

  // ---- File → Export lab report: the same report
  s = await state();
  await click(...center(s.ui.menu_file));
  s = await until((x) => !!x.ui.menu_lab_report, null, { timeout: 5000, what: 'File → Export lab report' });
  const again = (await download(s.ui.menu_lab_report, 'File → "Export lab report"')).toString();
  const acc = again.match(/id="test-accuracy" data-accuracy="([^"]*)"/);
  check(acc && Number(acc[1]) === s.report.accuracy && again.includes('id="cm-counts"'),
    `File → Export lab report gives the same report (accuracy ${acc && acc[1]})`);
  // the Report view on a phone: the button is on screen, not cut by the panel
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 844 });
  s = await until((x) => !!x.ui.export_lab_report && x.ui.export_lab_report[0] + x.ui.export_lab_report[2] <= 390,
    null, { timeout: 10000, what: 'the Report view at 390 px', soft: true });
  const b = s.ui.export_lab_report;
  check(b && b[0] >= 0 && b[0] + b[2] <= 390 && b[1] + b[3] <= 844 && !s.ui_clipped.includes('export_lab_report'),
    `at 390 px the Report view's button is on screen (${b && b.map(Math.round)})`);
  await t.shot('lab-report-view-phone.png');
  await t.finish();
} catch (e) {
  await t.finish(e);
}
