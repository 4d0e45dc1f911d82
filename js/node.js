// The package's entry for Node: reads the WebAssembly module from disk.
import { readFileSync } from 'node:fs';
import { initSync, priceJson, priceCompact, compactInput, Checkout, currencyDigits, formatMoney as formatInCore } from '../pkg/checkout_wasm.js';
import { makeConvertMoney, makeFormatMoney } from './format.js';
import { makePrice } from './compact.js';

const { memory } = initSync({ module: readFileSync(new URL('../pkg/checkout_wasm_bg.wasm', import.meta.url)) });

export const price = makePrice(memory, { priceJson, priceCompact, compactInput });
export { Checkout, currencyDigits };
export const formatMoney = makeFormatMoney(formatInCore);
export const convertMoney = makeConvertMoney(Checkout);
