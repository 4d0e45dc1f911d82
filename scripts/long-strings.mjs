// wasm-bindgen (0.2.130) passes a string into WebAssembly by copying it one
// character at a time in JavaScript while it is ASCII: faster than
// `TextEncoder.encodeInto` for a few characters, 20-40 times slower for a long
// one (V8: a 53 KB checkout's JSON 250-360 µs against 9 µs; even at 32
// characters; BENCHMARKS.md, "Strings into WebAssembly"). Every string longer
// than 32 characters (a stored checkout read from SQLite, price()'s input, a
// checkout's JSON in the page) goes to `encodeInto` in one call instead, into
// room for its longest UTF-8, given back after. The builds apply it to each
// module's bindings, and list this file among their inputs, so a change here
// binds them again.
import { readFileSync, writeFileSync } from 'node:fs';

/** The bindings `file` (wasm-bindgen's JavaScript) with long strings encoded in one call. */
export function encodeLongStrings(file) {
  const js = readFileSync(file, 'utf8');
  const ascii = '    let len = arg.length;\n    let ptr = malloc(len, 1) >>> 0;\n';
  if (js.split(ascii).length !== 2) {
    throw new Error(`${file}: wasm-bindgen's passStringToWasm0 is not the one scripts/long-strings.mjs knows`);
  }
  const long = `    if (arg.length > 32) {
        const most = arg.length * 3;
        const at = malloc(most, 1) >>> 0;
        const { written } = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(at, at + most));
        WASM_VECTOR_LEN = written;
        return realloc(at, most, written, 1) >>> 0;
    }
`;
  writeFileSync(file, js.replace(ascii, long + ascii));
}
