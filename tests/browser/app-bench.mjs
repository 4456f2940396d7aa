// Benchmark mode of the app in headless Chromium: index.html?bench=N trains the default MLP
// with the UI running for N seconds, then the same build headless for 3 s, and reports frame
// times and both training rates. Usage: node tests/browser/app-bench.mjs SITE_DIR [SECONDS] [PRESET]
import { site, startServer, launchChromium } from './harness.mjs';

const seconds = Number(process.argv[3] || 10);
const preset = process.argv[4] || 'r2-mlp';
const loop = process.argv[5] || '';
const server = await startServer(site);
const url = server.url;
const browser = await launchChromium();
try {
  // BPL_VIEWPORT=WxH measures how the cost of a painted frame scales with the canvas size
  const [vw, vh] = (process.env.BPL_VIEWPORT || '1280x800').split('x').map(Number);
  const page = await browser.newPage({ viewport: { width: vw, height: vh } });
  await page.goto(`${url}?bench=${seconds}&preset=${preset}` + (loop ? `&loop=${loop}` : ''));
  await page.waitForFunction(() => window.bplState && window.bplState() && window.bplState().bench, null, { timeout: (seconds + 60) * 1000 });
  const b = (await page.evaluate(() => window.bplState())).bench;
  const paint = await page.evaluate(([a, z]) => window.bplPaintStats(a, z), [b.t_begin_ms, b.t_end_ms]);
  console.log(`app benchmark (${b.model}, ${b.seconds} s, ${vw}×${vh}, headless Chromium ${await browser.version()}):`);
  console.log(`  app frames ${b.frames}${loop ? ' (' + loop + ' loop)' : ''}: frame time p50 ${b.frame_p50_ms} ms, p95 ${b.frame_p95_ms} ms, max ${b.frame_max_ms} ms`);
  console.log(`  browser paints (requestAnimationFrame, ${paint.frames}): p50 ${paint.p50.toFixed(1)} ms, p95 ${paint.p95.toFixed(1)} ms, max ${paint.max.toFixed(1)} ms`);
  console.log(`  training ${b.train_images_per_sec_with_ui} images/s with the UI, ${b.train_images_per_sec_headless} headless: ratio ${b.ratio}`);
  console.log(`  WebAssembly heap after loading the 10k+2k subset and training: ${b.wasm_heap_mb} MB`);
} finally {
  await browser.close();
  server.stop();
}
