// The local server of scripts/run.sh: 127.0.0.1 only, the built folder only (no listings, no
// escapes), the WebAssembly MIME type. Prints "server: N passed, M failed".
// Usage: node tests/browser/server.test.mjs SITE_DIR
import { site, startServer, checks } from './harness.mjs';

const { check, done } = checks('server');
const server = await startServer(site);
const url = server.url;
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
} catch (e) {
  check(false, 'server test crashed: ' + (e.stack || e));
} finally {
  server.stop();
}
done();
