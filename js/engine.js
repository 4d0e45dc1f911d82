// The checkout element's engine: the live checkout and the money formats of
// the core, from the browser module built without price() and its compact
// format, for size (pkg/checkout_live*: a page's first render loads it, not
// the package's whole module). The same core, so the same amounts to the
// minor unit and the same text to the byte as the worker's.
import init, { Checkout, formatMoney as formatInCore } from '../pkg/checkout_live.js';
import { makeFormatMoney } from './format.js';

/**
 * Fetches and starts the .wasm, once: resolves when it is in (at once once it
 * is). A fetch the network cut rejects; called again, it fetches again. Its
 * first call is made before this module is done.
 */
export const load = () => init({ module_or_path: new URL('../pkg/checkout_live_bg.wasm', import.meta.url) });
await load().catch(() => {});

export { Checkout };
export const formatMoney = makeFormatMoney(formatInCore);
