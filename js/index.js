// The package's entry for browsers and bundlers: loads the WebAssembly module
// next to this file once, then exposes the engine.
import init, { price, Checkout, currencyDigits } from '../pkg/checkout_wasm.js';
import { makeFormatMoney } from './format.js';

await init({ module_or_path: new URL('../pkg/checkout_wasm_bg.wasm', import.meta.url) });

export { price, Checkout, currencyDigits };
export const formatMoney = makeFormatMoney(currencyDigits);
