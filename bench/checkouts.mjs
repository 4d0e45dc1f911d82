// The carts the CPU benches make: `n` lines of the demo store's sticker
// packs, each with an option of its own (a line each). Their buyer, ready
// to order, is the tests' (tests/support/worker.mjs, `buyer`).
export const stickerLines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));
