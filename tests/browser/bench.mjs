// Runs the benchmark page (build/web/bench/bench.html: engine/bench, what `bpl bench` runs,
// compiled to WebAssembly) in headless Debian Chromium on real MNIST images and prints its
// report; fails if the page errs, or the report lacks the machine, the peak or a model's figures.
// Usage: node tests/browser/bench.mjs BENCH_DIR [--quick]
import os from 'node:os';
import { site, startServer, launchChromium, checks } from './harness.mjs';

const quick = process.argv.includes('--quick');
const { check, done } = checks('bench');
const server = await startServer(site);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // the page cannot see the CPU: this script, on the same machine, tells it
  const query = new URLSearchParams({ machine: os.cpus()[0]?.model || 'unknown' });
  if (quick) query.set('quick', '');
  await page.goto(server.url + 'bench.html?' + query);
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 300000 });
  const text = await page.evaluate(() => window.benchText);
  const error = await page.evaluate(() => window.benchError);
  console.log('browser: ' + (await browser.version()) + ' (headless)');
  process.stdout.write(text);
  check(!error, 'the page loaded the data and ran the benchmark' + (error ? ': ' + error : ''));
  check(/data: +2000 real MNIST test images/.test(text), 'it ran on the 2,000 real MNIST test images');
  check(/build: +WebAssembly.*SIMD128, in the browser/.test(text), 'the report names the build and the browser');
  check(/peak float GEMM 256³: [\d.]+ GFLOP\/s/.test(text), 'the report gives this run\'s peak GEMM');
  for (const model of ['MLP 784-128-10', 'LeNet-5']) {
    const part = text.split('\n' + model + ' ')[1] || '';
    check(/inference, batch 256: +\d+ images\/s/.test(part) && /training, batch 32: +\d+ images\/s/.test(part),
      `${model}: training and inference figures`);
  }
  check(/Conv2D 16@5×5/.test(text), 'a per-layer breakdown');
  check(errors.length === 0, 'no page errors' + (errors.length ? ': ' + errors.join(' | ') : ''));
} catch (e) {
  check(false, 'bench page crashed: ' + (e.stack || e));
} finally {
  await browser.close();
  server.stop();
}
done();
