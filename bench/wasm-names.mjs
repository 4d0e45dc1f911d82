// The crate a function of a .wasm belongs to, from its name (the names
// section's demangled Rust path): bench/wasm-size.mjs and bench/cpu.mjs.

/** `checkout_core` for `checkout_core::…` (or `<checkout_core::… as …>`); wasm-bindgen's glue; else `other`. */
export const crateOf = (name) => {
  const m = name.replace(/^<|^_</, '').match(/^([a-z_][a-z0-9_]*)::/);
  return m ? m[1] : name.startsWith('__wbg') || name.startsWith('__wbindgen') ? 'wasm-bindgen glue' : 'other';
};
