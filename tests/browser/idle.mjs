// How much CPU the app uses while nothing happens: the app loaded, the data in, no input, no
// training. Measured over SECONDS (default 10) in headless Chromium with software WebGL, two ways:
//   - all of Chromium's processes (browser, renderer, GPU): user + system CPU time from /proc,
//     as a share of one core (the figure a laptop's fan and battery see);
//   - the page's main thread: Chrome DevTools Protocol Performance.getMetrics TaskDuration and
//     ScriptDuration.
// A measurement, not a test (tests/browser/idle.test.mjs asserts that nothing paints).
// Usage: node tests/browser/idle.mjs [SITE_DIR] [SECONDS]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { site, startServer, launchChromium } from './harness.mjs';

const seconds = Number(process.argv[3] || 10);
const tick = 100;  // clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux)

// user + system CPU seconds of the process tree under the process whose command line holds `mark`
function cpuSeconds(mark) {
  const procs = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields from 3 on: state ppid …
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      procs.set(pid, { ppid: f[1], cpu: (Number(f[11]) + Number(f[12])) / tick, cmd });
    } catch { /* the process ended meanwhile */ }
  }
  const roots = [...procs].filter(([, p]) => p.cmd.includes(mark) && !procs.get(p.ppid)?.cmd.includes(mark)).map(([pid]) => pid);
  const tree = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of procs) if (!tree.has(pid) && tree.has(p.ppid)) { tree.add(pid); grew = true; }
  }
  let sum = 0;
  for (const pid of tree) sum += procs.get(pid).cpu;
  return { seconds: sum, processes: tree.size };
}

const server = await startServer(site);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bpl-idle-'));
const context = await launchChromium({ profile, viewport: { width: 1280, height: 800 } });
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => { const s = window.bplState && window.bplState(); return s && s.data_ready; }, null, { timeout: 60000 });
  // let the start-up settle: 120 browser frames
  await page.evaluate(() => new Promise((res) => { let k = 120; const f = () => (k-- <= 0 ? res() : requestAnimationFrame(f)); f(); }));
  // and the service worker, if the page registered one, to finish installing this version
  await page.evaluate(async () => {
    const r = navigator.serviceWorker && await navigator.serviceWorker.getRegistration();
    if (!r) return;
    await navigator.serviceWorker.ready;
    while (r.active.state !== 'activated') await new Promise((res) => setTimeout(res, 50));
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const painted = async () => page.evaluate(() => { const s = window.bplState(); return s.idle ? s.idle.painted_frames : null; });
  const m0 = await metrics(), c0 = cpuSeconds(profile), p0 = await painted(), t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));  // the measurement window
  const m1 = await metrics(), c1 = cpuSeconds(profile), p1 = await painted(), dt = (Date.now() - t0) / 1000;
  const pct = (x) => (100 * x / dt).toFixed(1) + '%';
  console.log(`idle for ${dt.toFixed(1)} s after loading (1280×800, headless Chromium, software WebGL):`);
  console.log(`  all Chromium processes (${c1.processes}): ${pct(c1.seconds - c0.seconds)} of one core`);
  console.log(`  page main thread: TaskDuration ${pct(m1.TaskDuration - m0.TaskDuration)}, ScriptDuration ${pct(m1.ScriptDuration - m0.ScriptDuration)}`);
  if (p0 !== null) console.log(`  frames painted: ${p1 - p0}`);
} finally {
  await context.close();
  server.stop();
  fs.rmSync(profile, { recursive: true, force: true });
}
