import type { CheckoutObject, CurrencyCode, Money } from './index.js';

/** A total of the summary, as the element shows it. */
export interface ElementPrice {
  amount: Money;
  /** In `conversionCurrency`, when the buyer chose one. */
  convertedAmount?: Money;
}

/** `change`: the totals shown now. */
export interface CheckoutChangeDetail {
  checkoutId: string;
  currency: CurrencyCode;
  conversionCurrency: CurrencyCode;
  priceSummary: Record<'subtotal' | 'discount' | 'shipping' | 'tax' | 'additionalFees' | 'total', ElementPrice>;
  /** false while the totals are the page's own pricing; true once the worker answered. */
  final: boolean;
}

/** `order-created`: the order is placed; when `payNow.amount` is not zero, start the payment here. */
export interface OrderCreatedDetail {
  orderId: string;
  orderNumber: string;
  checkoutId: string;
  /** Present when money is due: put it in the payment's metadata (docs/api.md, Payment). */
  paymentGatewayOrderId?: string;
  payNow: { amount: Money; currency: CurrencyCode };
  /** true when the checkout was opened again with its order awaiting payment (a reload, a return from the payment page): hand off again. */
  resumed?: boolean;
}

/** `error`: what the buyer was told; `NETWORK` when the worker cannot be reached. */
export interface CheckoutErrorDetail {
  code?: string;
  message: string;
}

/** `pending`: the buyer's changes that wait for the store (kept across reloads), and whether it cannot be reached. */
export interface CheckoutPendingDetail {
  count: number;
  offline: boolean;
}

/** The element's events beside an element's own (its `change` and `error` are these). */
export interface EdgeCheckoutEventMap extends Omit<HTMLElementEventMap, 'change' | 'error'> {
  change: CustomEvent<CheckoutChangeDetail>;
  'order-created': CustomEvent<OrderCreatedDetail>;
  error: CustomEvent<CheckoutErrorDetail>;
  pending: CustomEvent<CheckoutPendingDetail>;
}

/**
 * `<edge-checkout checkout-id="…" api-base="https://…" publishable-key="pk_…" locale="de">`:
 * a checkout from the edge checkout worker that a shopper finishes, with live totals.
 * `checkout-id-from-url` takes the checkout from the page's `?checkoutId=`. Importing this
 * module defines the element. Events bubble and cross the shadow root: see
 * {@link EdgeCheckoutEventMap}.
 */
export declare class EdgeCheckoutElement extends HTMLElement {
  static observedAttributes: string[];
  /** The checkout as the worker last sent it (Wix's REST shape), or null. */
  readonly checkout: CheckoutObject | null;
  /** How many of the buyer's changes wait for the store's answer. */
  readonly pending: number;
  /** Loads the checkout named by `checkout-id` again. */
  load(): Promise<void>;
  addEventListener<K extends keyof EdgeCheckoutEventMap>(type: K, listener: (this: EdgeCheckoutElement, ev: EdgeCheckoutEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EdgeCheckoutEventMap>(type: K, listener: (this: EdgeCheckoutElement, ev: EdgeCheckoutEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'edge-checkout': EdgeCheckoutElement;
  }
}
