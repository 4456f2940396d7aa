// Runs web/bench.html (the `bpl bench` report compiled to WebAssembly) in headless Debian
// Chromium and prints the report; fails if the page errs or the report lacks LeNet-5.
// Usage: node tests/browser/bench.mjs BENCH_DIR [--quick]   (build/web/bench: bench.html, bpl_web.*)
import { site, startServer, launchChromium, checks } from './harness.mjs';

const quick = process.argv.includes('--quick');
const { check, done } = checks('bench');
const server = await startServer(site);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + 'bench.html' + (quick ? '?quick' : ''));
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 180000 });
  const text = await page.evaluate(() => window.benchText);
  console.log('browser: ' + (await browser.version()) + ' (headless)');
  process.stdout.write(text);
  check(text.includes('LeNet-5'), 'bench.html runs the engine in Chromium and reports LeNet-5');
  check(errors.length === 0, 'no page errors' + (errors.length ? ': ' + errors.join(' | ') : ''));
} catch (e) {
  check(false, 'bench page crashed: ' + (e.stack || e));
} finally {
  await browser.close();
  server.stop();
}
done();
