import type { CheckoutObject } from './index.js';

/**
 * `<edge-checkout checkout-id="…" api-base="https://…" publishable-key="pk_…">`:
 * a checkout from the edge checkout worker with live totals. Importing this
 * module defines the element.
 *
 * Events: `checkout-change` (`detail.checkout`: the checkout as the worker last
 * sent it) and `order-placed` (`detail.orderId`, `detail.checkoutId`; bubbles).
 */
export declare class EdgeCheckoutElement extends HTMLElement {
  static observedAttributes: string[];
  /** The checkout as the worker last sent it (Wix's REST shape), or null. */
  readonly checkout: CheckoutObject | null;
  /** Loads the checkout named by `checkout-id` again. */
  load(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'edge-checkout': EdgeCheckoutElement;
  }
}
