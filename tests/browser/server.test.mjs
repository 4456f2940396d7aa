// The local server of scripts/run.sh: 127.0.0.1 only, the built folder only (no listings, no
// escapes), the WebAssembly MIME type. Prints "server: N passed, M failed".
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.argv[2] || path.join(here, '../../build/web/site'));
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) { passed++; console.log('  ok: ' + what); } else { failed++; console.log('  FAILED: ' + what); } };
const server = spawn('node', [path.join(here, '../../scripts/serve.mjs'), site, '0']);
const url = await new Promise((resolve) => server.stdout.on('data', (d) => { const m = String(d).match(/http:\/\/\S+/); if (m) resolve(m[0]); }));
try {
  check(url.startsWith('http://127.0.0.1:'), `listens on ${url} (bound to 127.0.0.1 only, see scripts/serve.mjs)`);
  let r = await fetch(url + 'app.wasm');
  check(r.status === 200 && r.headers.get('content-type') === 'application/wasm', `app.wasm served as ${r.headers.get('content-type')}`);
  r = await fetch(url);
  check(r.status === 200 && (await r.text()).includes('Backprop Lab'), '/ serves index.html');
  r = await fetch(url + 'data/');
  check(r.status === 404, `no directory listing (data/ → ${r.status})`);
  for (const p of ['../../README.md', '%2e%2e/%2e%2e/README.md', '..%2f..%2fREADME.md']) {
    r = await fetch(url + p);
    check(r.status === 403 || r.status === 404, `${p} outside the folder → ${r.status}`);
  }
} finally {
  server.kill();
}
console.log(`server: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
