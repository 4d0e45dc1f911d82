// The checkout object the worker answers with (`GET /ecom/v1/checkouts/{id}`
// and every checkout route: `{checkout}`), in Wix's REST shape. A test
// compiles the worker's recorded answers against these declarations.
import type { CurrencyCode, Money, PricingInput, TaxRate } from './index.js';

/** A price of the checkout: its amount, formatted in the checkout's language, and converted when the buyer chose a currency. */
export interface CheckoutPrice {
  amount: Money;
  /** As `formatMoney(amount, currency, buyerLanguage)` writes it: "$1,234.50", "1.234,50 €". */
  formattedAmount: string;
  /** In `conversionCurrency`, when it is not the store's currency. */
  convertedAmount?: Money;
  formattedConvertedAmount?: string;
}

/** A fee of the store's on the checkout: a fixed price, never discounted, taxed at its tax group's rate. */
export interface CheckoutAdditionalFee {
  code: string;
  name: string;
  price: CheckoutPrice;
  taxDetails: { taxRate: TaxRate; totalTax: CheckoutPrice };
}

export interface Address {
  /** ISO 3166-1 alpha-2 ("US"). */
  country?: string;
  /** ISO 3166-2 ("US-CA"). */
  subdivision?: string;
  city?: string;
  postalCode?: string;
  streetAddress?: { number?: string; name?: string; apt?: string };
  addressLine?: string;
  addressLine2?: string;
  formattedAddress?: string;
  hint?: string;
  geocode?: { latitude?: number; longitude?: number };
}

export interface ContactDetails {
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
  vatId?: { id?: string; type?: string };
}

export interface AddressWithContact {
  address?: Address;
  contactDetails?: ContactDetails;
}

export type Availability = 'AVAILABLE' | 'PARTIALLY_AVAILABLE' | 'NOT_AVAILABLE' | 'NOT_FOUND';

export interface TaxDetails {
  taxableAmount: CheckoutPrice;
  taxRate: TaxRate;
  totalTax: CheckoutPrice;
}

export interface CheckoutLineItem {
  id: string;
  quantity: number;
  catalogReference?: { catalogItemId: string; appId?: string; options?: Record<string, unknown> };
  productName: { original: string };
  /** The unit price. */
  price: CheckoutPrice;
  /** `price` × `quantity`. */
  lineItemPrice: CheckoutPrice;
  discount: CheckoutPrice;
  totalPriceBeforeTax: CheckoutPrice;
  totalPriceAfterTax: CheckoutPrice;
  taxDetails: TaxDetails;
  availability: { status: Availability; quantityAvailable?: number };
  physicalProperties: { sku?: string; weight?: number; shippable: boolean };
  itemType: { preset: 'PHYSICAL' | 'DIGITAL' | 'SERVICE' | 'GIFT_CARD' | 'PLAN' | 'UNRECOGNISED' };
  customLineItem?: true;
  media?: { url: string };
}

export interface Logistics {
  deliveryTime?: string;
  instructions?: unknown;
  pickupDetails?: { address?: unknown; pickupMethod: 'STORE_PICKUP' };
}

export interface ShippingOption {
  code: string;
  title: string;
  logistics: Logistics;
  cost: { price: CheckoutPrice };
}

export interface SelectedShippingOption {
  code: string;
  title: string;
  logistics: Logistics;
  carrierId: string;
  requestedShippingOption: boolean;
  cost: {
    price: CheckoutPrice;
    totalDiscount: CheckoutPrice;
    totalPriceBeforeTax: CheckoutPrice;
    totalPriceAfterTax: CheckoutPrice;
    taxDetails: TaxDetails;
  };
}

export interface CheckoutAppliedDiscount {
  discountType: 'GLOBAL' | 'SPECIFIC_ITEMS' | 'SHIPPING';
  coupon: { id: string; code: string; name: string; amount: CheckoutPrice };
  lineItemIds: string[];
}

/** Why a coupon, gift card or delivery option the buyer chose does not count now. */
export interface CalculationErrorDetails {
  applicationError: { code: string; description: string; data: Record<string, never> };
}

export interface CheckoutPriceSummary {
  subtotal: CheckoutPrice;
  shipping: CheckoutPrice;
  tax: CheckoutPrice;
  discount: CheckoutPrice;
  total: CheckoutPrice;
  additionalFees: CheckoutPrice;
}

/** The worker's checkout (`docs/api.md`, Checkouts; Wix's `Checkout`). */
export interface CheckoutObject {
  id: string;
  lineItems: CheckoutLineItem[];
  billingInfo?: AddressWithContact;
  shippingInfo: {
    shippingDestination?: AddressWithContact;
    selectedCarrierServiceOption?: SelectedShippingOption;
    carrierServiceOptions?: [{ carrierId: string; shippingOptions: ShippingOption[] }];
  };
  buyerInfo: { email?: string; visitorId?: string; memberId?: string; contactId?: string };
  buyerNote?: string;
  /** The store's currency: every `amount`, and what the order is paid in. */
  currency: CurrencyCode;
  /** The currency of every `convertedAmount`: the buyer's choice, else `currency`. */
  conversionCurrency: CurrencyCode;
  paymentCurrency: CurrencyCode;
  priceSummary: CheckoutPriceSummary;
  payNow: { total: CheckoutPrice };
  payLater: { total: CheckoutPrice };
  taxSummary: {
    taxableAmount: CheckoutPrice;
    totalTax: CheckoutPrice;
    taxBreakdown: { rate: TaxRate; taxableAmount: CheckoutPrice; taxAmount: CheckoutPrice }[];
  };
  appliedDiscounts: CheckoutAppliedDiscount[];
  giftCard?: { obfuscatedCode: string; amount: CheckoutPrice };
  calculationErrors?: {
    couponCalculationError?: CalculationErrorDetails;
    giftCardCalculationError?: CalculationErrorDetails;
    selectedShippingOptionError?: CalculationErrorDetails;
  };
  /** The store's fees, as priced (their sum is `priceSummary.additionalFees`). */
  additionalFees: CheckoutAdditionalFee[];
  customFields: { value: unknown; title: string; translatedTitle?: string }[];
  weightUnit: 'KG' | 'LB';
  /** What the shippable lines weigh together, in `weightUnit`. */
  totalWeight?: number;
  taxIncludedInPrice: boolean;
  channelType: string;
  siteLanguage: string;
  /** The language `formattedAmount` is written in. */
  buyerLanguage: string;
  completed: boolean;
  /** Not in Wix: the checkout's order, once create-order made one (paid when `completed`, else awaiting payment). */
  order?: { id: string; number?: string; paymentGatewayOrderId?: string };
  createdDate: string;
  updatedDate: string;
  purchaseFlowId: string;
  createdBy: { memberId?: string; visitorId?: string; appId?: string };
  customSettings: {
    lockGiftCard: boolean;
    lockCouponCode: boolean;
    disabledPolicyAgreementCheckbox: boolean;
    disabledManualPayment: boolean;
  };
  cartId?: string;
  membershipOptions: {
    eligibleMemberships: [];
    invalidMemberships: [];
    selectedMemberships: { memberships: [] };
  };
  violations: [];
  /** With `?include=pricingInput`: the input the checkout was priced from, for pricing it live in the page. */
  pricingInput?: PricingInput;
  /** With `?include=pricingInput`: the currencies the buyer may choose besides `currency`, with their rates. */
  presentmentCurrencies?: { currency: CurrencyCode; rate: string }[];
}
