/** A decimal string with exactly the currency's minor units ("19.99", "500", "1.250"). */
export type Money = string;
/** An upper-case ISO 4217 code ("USD"). */
export type CurrencyCode = string;
/** A decimal string from "0" to "1" with at most 6 fraction digits ("0.0825"). */
export type TaxRate = string;
export type ItemType = 'PHYSICAL' | 'DIGITAL' | 'SERVICE' | 'GIFT_CARD' | 'PLAN';

export interface LineItemInput {
  id: string;
  /** Unit price. */
  price: Money;
  /** A whole number from 1 to 100000. */
  quantity: number;
  taxRate?: TaxRate;
  catalogItemId?: string;
  itemType?: ItemType;
}

export type CouponInput =
  | { code: string; type: 'PERCENTAGE'; /** greater than 0, at most 100, 4 fraction digits */ value: string; minimumSubtotal?: Money; catalogItemIds?: string[] }
  | { code: string; type: 'FIXED_AMOUNT'; value: Money; minimumSubtotal?: Money; catalogItemIds?: string[] }
  | { code: string; type: 'FREE_SHIPPING'; minimumSubtotal?: Money; catalogItemIds?: string[] };

export interface ChargeInput {
  code: string;
  price: Money;
  taxRate?: TaxRate;
}

/** The input of the pricing function (docs/pricing.md, section 1). */
export interface PricingInput {
  currency: CurrencyCode;
  taxIncludedInPrice?: boolean;
  lineItems: LineItemInput[];
  /** At most one. */
  coupons?: CouponInput[];
  shipping?: ChargeInput;
  additionalFees?: ChargeInput[];
  giftCard?: { code: string; balance: Money };
  conversion?: { currency: CurrencyCode; /** greater than 0, 10 fraction digits */ rate: string };
}

export interface Price {
  amount: Money;
  /** Present when a conversion was asked for. */
  convertedAmount?: Money;
}

export interface PricedLineItem {
  id: string;
  lineItemPrice: Money;
  discount: Money;
  taxableAmount: Money;
  tax: Money;
  totalPriceBeforeTax: Money;
  totalPriceAfterTax: Money;
}

/** A discount as a summary shows it: its type and coupon. */
export interface SummaryDiscount {
  discountType: 'GLOBAL' | 'SPECIFIC_ITEMS' | 'SHIPPING';
  coupon: { code: string; amount: Money };
}

/** A discount as the full pricing shows it: also the lines it covers. */
export interface AppliedDiscount extends SummaryDiscount {
  lineItemIds: string[];
}

export interface PriceSummary {
  subtotal: Price;
  discount: Price;
  shipping: Price;
  tax: Price;
  additionalFees: Price;
  total: Price;
}

export interface CalculationError {
  code: 'COUPON_MINIMUM_SUBTOTAL_NOT_MET' | 'COUPON_NOT_APPLICABLE';
  message: string;
}

/** The totals of a checkout without its lines (and without the lines each discount covers). */
export interface Summary {
  currency: CurrencyCode;
  appliedDiscounts: SummaryDiscount[];
  priceSummary: PriceSummary;
  giftCard?: { code: string; amount: Money };
  payNow: { total: Price };
  payLater: { total: Price };
  conversionCurrency?: CurrencyCode;
  calculationErrors: CalculationError[];
}

/** The output of the pricing function (docs/pricing.md, section 3). */
export interface Pricing extends Summary {
  appliedDiscounts: AppliedDiscount[];
  lineItems: PricedLineItem[];
  shipping?: { code: string; price: Money; discount: Money; tax: Money };
  additionalFees?: { code: string; price: Money; tax: Money }[];
}

export type ErrorCode =
  | 'UNSUPPORTED_CURRENCY' | 'INVALID_AMOUNT' | 'INVALID_QUANTITY' | 'TOO_MANY_LINE_ITEMS'
  | 'DUPLICATE_LINE_ITEM_ID' | 'INVALID_TAX_RATE' | 'INVALID_COUPON' | 'MORE_THAN_ONE_COUPON'
  | 'INVALID_RATE' | 'INVALID_INPUT' | 'LINE_ITEM_NOT_FOUND';

/** What every function here throws for a rejected input. */
export interface CheckoutError extends Error {
  name: 'CheckoutError';
  code: ErrorCode;
  /** Path of the offending field, as "lineItems[2].price". */
  field: string;
}

/** Prices a checkout. Throws a {@link CheckoutError} for an invalid input. */
export function price(input: PricingInput): Pricing;

/** A checkout kept in WebAssembly memory and changed one edit at a time; each edit returns the new totals. */
export class Checkout {
  /** Throws a {@link CheckoutError} for an invalid input. */
  constructor(input: PricingInput);
  pricing(): Pricing;
  summary(): Summary;
  setQuantity(lineItemId: string, quantity: number): Summary;
  /**
   * One line's `lineItemPrice` (its unit price times its quantity), without pricing the
   * rest: a line's total to show beside the {@link Summary} an edit returns. Throws
   * `LINE_ITEM_NOT_FOUND`.
   */
  linePrice(lineItemId: string): Money;
  addLine(line: LineItemInput): Summary;
  removeLine(lineItemId: string): Summary;
  /** Replaces the applied coupon, if any. */
  applyCoupon(coupon: CouponInput): Summary;
  removeCoupon(): Summary;
  /**
   * An amount of the checkout's currency (a line's price, say) in the buyer's currency
   * (`conversion.currency`) by the pricing function's rule, as every `convertedAmount`;
   * undefined when the input has no conversion. Throws `INVALID_AMOUNT`.
   */
  convert(amount: Money): Money | undefined;
  /**
   * Releases the WebAssembly memory now rather than at garbage collection. (Where the
   * runtime has `Symbol.dispose`, `using` releases it too; it is not declared here, so
   * that the declarations compile with any `lib`, es2020 on.)
   */
  free(): void;
}

/** The number of fraction digits of a supported currency, or undefined. */
export function currencyDigits(currency: CurrencyCode): number | undefined;

/**
 * Formats an amount (a decimal string, `-` in front for a negative one) in the buyer's language
 * (or `locale`, a BCP 47 tag) with exactly the currency's minor units: the worker's `formattedAmount`
 * to the byte, from the same table. Throws `UNSUPPORTED_CURRENCY` or `INVALID_AMOUNT`.
 */
export function formatMoney(amount: Money, currency: CurrencyCode, locale?: string): string;

/**
 * An amount of `currency` in the buyer's currency of `conversion` (as a pricing input's
 * `conversion` has it), by the pricing function's rule: the worker's `convertedAmount` to the
 * minor unit. Throws `INVALID_AMOUNT`, `UNSUPPORTED_CURRENCY` or `INVALID_RATE`.
 */
export function convertMoney(amount: Money, currency: CurrencyCode, conversion: { currency: CurrencyCode; rate: string }): string;

export * from './api.js';
