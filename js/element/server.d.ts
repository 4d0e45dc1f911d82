import type { CheckoutObject } from '../api.js';

/**
 * The inside of `<edge-checkout>` for `checkout` (as the API answers it, read
 * with `?include=pricingInput`), in `locale`: the element's own markup as a
 * declarative shadow root, priced, and the checkout's JSON beside it. The
 * element given `locale` as its `locale` attribute takes it over once it
 * has started; a checkout with its order, as its confirmation. `null` for
 * a checkout the element renders alone: an open one without its pricing
 * input, or one in a currency the buyer chose when `convertMoney` is not
 * given (the package's, as `formatMoney`).
 */
export function renderCheckout(
  checkout: CheckoutObject,
  options: {
    locale?: string;
    formatMoney: (amount: string, currency: string, locale?: string) => string;
    convertMoney?: (amount: string, currency: string, conversion: { currency: string; rate: string }) => string | undefined;
  },
): Promise<string | null>;
