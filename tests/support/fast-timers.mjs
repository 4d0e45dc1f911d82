// Loaded with `node --import` into a command a test runs as a reader would:
// a wait of a minute or more (move-store's drain, say) passes at once, so
// that the command line stays as the README writes it.
const later = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...args) => later(fn, ms >= 60_000 ? 0 : ms, ...args);
