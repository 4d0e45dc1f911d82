// The package's entry for Node: reads the WebAssembly module from disk.
import { readFileSync } from 'node:fs';
import { initSync, price, Checkout, currencyDigits } from '../pkg/checkout_wasm.js';
import { makeFormatMoney } from './format.js';

initSync({ module: readFileSync(new URL('../pkg/checkout_wasm_bg.wasm', import.meta.url)) });

export { price, Checkout, currencyDigits };
export const formatMoney = makeFormatMoney(currencyDigits);
