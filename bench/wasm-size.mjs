// What a .wasm carries, by crate: the bytes of each function's code and of
// the data segments, from the module's name section. Usage:
//   node bench/wasm-size.mjs [file.wasm] [top]
// The browser module ships without names; to look inside it, make a copy
// that keeps them from what cargo compiled, as the build does but with -g:
//   target/bindgen/release/bindgen target/module/wasm32-unknown-unknown/release/checkout_wasm.wasm /tmp/named checkout_wasm web
//   node_modules/.bin/wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
//     --enable-mutable-globals --enable-multivalue --enable-reference-types /tmp/named/checkout_wasm_bg.wasm -o /tmp/named/named.wasm
//   node bench/wasm-size.mjs /tmp/named/named.wasm
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { crateOf } from './wasm-names.mjs';

const file = process.argv[2] ?? 'pkg/checkout_wasm_bg.wasm';
const top = Number(process.argv[3] ?? 25);
const bytes = readFileSync(file);

let at = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) return result >>> 0;
    shift += 7;
  }
};
const text = () => {
  const n = u32();
  const s = bytes.subarray(at, at + n).toString('utf8');
  at += n;
  return s;
};

const sections = [];
let imported = 0;
const bodies = [];
const names = new Map();
let data = 0;
while (at < bytes.length) {
  const id = bytes[at++];
  const size = u32();
  const end = at + size;
  let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data'][id] ?? `#${id}`;
  if (id === 0) name = `custom:${text()}`;
  sections.push({ name, size });
  if (id === 2) {
    for (let n = u32(); n > 0; n--) {
      text(); text();
      const kind = bytes[at++];
      const limits = () => { const flags = bytes[at++]; u32(); if (flags & 1) u32(); };
      if (kind === 0) { u32(); imported++; } // a function: its type
      else if (kind === 1) { at++; limits(); } // a table: its element type, limits
      else if (kind === 2) limits(); // a memory
      else if (kind === 3) at += 2; // a global: its type, mutability
      else { at++; u32(); } // a tag
    }
  } else if (id === 10) {
    for (let n = u32(); n > 0; n--) {
      const len = u32();
      bodies.push(bytes.subarray(at, at + len));
      at += len;
    }
  } else if (id === 11) {
    data = size;
  } else if (name === 'custom:name') {
    while (at < end) {
      const sub = bytes[at++];
      const len = u32();
      const subEnd = at + len;
      if (sub === 1) for (let n = u32(); n > 0; n--) { const idx = u32(); names.set(idx, text()); }
      at = subEnd;
    }
  }
  at = end;
}

const byCrate = new Map();
const fns = bodies.map((body, i) => ({ name: names.get(imported + i) ?? `func[${imported + i}]`, size: body.length, body }));
for (const f of fns) {
  const c = crateOf(f.name);
  const e = byCrate.get(c) ?? { size: 0, parts: [] };
  e.size += f.size;
  e.parts.push(f.body);
  byCrate.set(c, e);
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`${file}: ${kib(bytes.length)}, ${kib(gzipSync(bytes, { level: 9 }).length)} gzipped; ${fns.length} functions${names.size ? '' : ' (no name section: every function is "other")'}`);
console.log('\nsections:');
for (const s of sections) console.log(`  ${s.name.padEnd(28)} ${kib(s.size).padStart(10)}`);
console.log(`\nby crate (code bytes; gzipped alone):`);
for (const [c, e] of [...byCrate].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  console.log(`  ${c.padEnd(28)} ${kib(e.size).padStart(10)} ${kib(gzipSync(Buffer.concat(e.parts), { level: 9 }).length).padStart(10)}`);
}
console.log(`  ${'data segments'.padEnd(28)} ${kib(data).padStart(10)}`);
console.log(`\nlargest functions:`);
for (const f of [...fns].sort((a, b) => b.size - a.size).slice(0, top)) console.log(`  ${kib(f.size).padStart(10)}  ${f.name.slice(0, 110)}`);
