// npm test loads tests/support/loopback-only.mjs into every Node process of
// its suites: a connection off this machine is refused before it is made
// (fetch, node:https), one to this machine goes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from '../../scripts/lib.mjs';

test('a Node process of npm test reaches this machine only', () => {
  const script = `
    import { createServer } from 'node:http';
    import https from 'node:https';
    const server = createServer((q, r) => r.end('here'));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const out = [await (await fetch('http://localhost:' + server.address().port + '/')).text()];
    for (const url of ['http://203.0.113.1/', 'https://registry.npmjs.org/wrangler']) {
      out.push(await fetch(url).then(() => 'sent', (e) => (e.cause ?? e).message));
    }
    out.push(await new Promise((r) => https.get('https://registry.npmjs.org/', () => r('sent')).on('error', (e) => r(e.message))));
    server.close();
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--import', pathToFileURL(join(root, 'tests/support/loopback-only.mjs')).href,
    '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
  assert.deepEqual(JSON.parse(stdout), [
    'here',
    'refused: a connection to 203.0.113.1:80, off this machine, from a test',
    'refused: a connection to registry.npmjs.org:443, off this machine, from a test',
    'refused: a connection to registry.npmjs.org:443, off this machine, from a test',
  ]);
});
