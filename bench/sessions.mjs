// jose on the order-session payload that `cargo bench -p checkout-core --bench
// checkout` times for our tokens (bench/session-data.json, 20 lines): create
// and read a dir + A256GCM token. Usage: node bench/sessions.mjs
import { readFileSync } from 'node:fs';
import { CompactEncrypt, compactDecrypt } from 'jose';

const key = Uint8Array.from({ length: 32 }, (_, i) => i);
const claims = JSON.stringify({
  iss: 'edge-checkout', aud: 'app-1', iat: 1795418688, exp: 1795420488, jti: '00000000-0000-4000-8000-000000000001',
  sessionData: JSON.parse(readFileSync(new URL('session-data.json', import.meta.url), 'utf8')),
});
const create = () => new CompactEncrypt(new TextEncoder().encode(claims))
  .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'JWT' }).encrypt(key);
const read = async (t) => JSON.parse(new TextDecoder().decode((await compactDecrypt(t, key)).plaintext));

async function time(f, n = 2000) {
  for (let i = 0; i < 200; i++) await f();
  const runs = [];
  for (let b = 0; b < 9; b++) {
    const t = performance.now();
    for (let i = 0; i < n / 9; i++) await f();
    runs.push(((performance.now() - t) * 1000) / (n / 9));
  }
  return runs.sort((a, b) => a - b)[4].toFixed(1);
}
const token = await create();
console.log(`jose create: ${await time(create)} µs, read: ${await time(() => read(token))} µs (median of 9 batches)`);
