// Runs web/bench.html (the `bpl bench` report compiled to WebAssembly) in headless Debian
// Chromium and prints the report. Usage: node tests/browser/bench.mjs BUILD_DIR [--quick]
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
const quick = process.argv.includes('--quick');

export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader'];

const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), dir, '0']);
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/\S+/); if (m) resolve(m[0]); });
  server.on('exit', () => reject(new Error('server exited')));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
let rc = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + 'bench.html' + (quick ? '?quick' : ''));
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 180000 });
  const text = await page.evaluate(() => window.benchText);
  console.log('browser: ' + (await browser.version()) + ' (headless)');
  process.stdout.write(text);
  if (errors.length || !text.includes('LeNet-5')) { console.error('bench page errors:', errors); rc = 1; }
} finally {
  await browser.close();
  server.kill();
}
process.exit(rc);
