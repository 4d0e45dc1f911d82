// price(): the compact boundary format of crates/checkout-wasm/src/compact.rs
// (read its module documentation for the layout), with the module's JSON path
// for everything it does not take. The format only carries values: the pricing
// crate reads them into the same input the JSON reader builds, and validates and
// prices it. What this writer cannot write exactly as JSON.stringify would
// see it (another type, an empty string, an object with a prototype of its
// own, which may have a toJSON) goes to the JSON path, which answers exactly,
// errors included.

const S = '\x1f';
const NO = Symbol('use JSON');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const plain = (o) => {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return false;
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
};
const object = (o) => {
  if (!plain(o)) throw NO;
  return o;
};
const list = (a) => {
  if (!Array.isArray(a)) throw NO;
  return a;
};
/** An optional string: empty when absent; a present empty string is for JSON. */
const str = (v) => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && v !== '') return v;
  throw NO;
};
const whole = (v) => {
  if (v === undefined || v === null) return '';
  if (Number.isInteger(v)) return String(v);
  throw NO;
};
const bool = (v) => {
  if (v === undefined || v === null) return '';
  if (v === true) return '1';
  if (v === false) return '0';
  throw NO;
};

/**
 * The input as fields, to be joined with U+001F, the number of fields last;
 * throws NO for what only JSON carries exactly. Keeps in `seen` the ids and
 * codes the output repeats, so that every property is read once, as
 * JSON.stringify reads it.
 */
function encode(x, seen) {
  const f = [];
  let n = 0; // not captured by a closure: a plain local in the hot loop
  object(x);
  f[n++] = str(x.currency);
  f[n++] = bool(x.taxIncludedInPrice);
  const lines = x.lineItems;
  if (lines == null) f[n++] = '';
  else {
    list(lines);
    f[n++] = lines.length;
    for (let i = 0; i < lines.length; i++) {
      const l = object(lines[i]);
      const id = str(l.id);
      seen.ids.push(id);
      f[n++] = id;
      f[n++] = str(l.price);
      f[n++] = whole(l.quantity);
      f[n++] = str(l.taxRate);
      f[n++] = str(l.catalogItemId);
      f[n++] = str(l.itemType);
    }
  }
  const coupons = x.coupons;
  if (coupons == null) f[n++] = '';
  else {
    list(coupons);
    f[n++] = coupons.length;
    for (const c of coupons) {
      object(c);
      seen.coupon = str(c.code);
      f[n++] = seen.coupon;
      f[n++] = str(c.type);
      f[n++] = str(c.value);
      f[n++] = str(c.minimumSubtotal);
      const ids = c.catalogItemIds;
      if (ids == null) f[n++] = '';
      else {
        list(ids);
        f[n++] = ids.length;
        for (const id of ids) {
          if (typeof id !== 'string') throw NO;
          f[n++] = id;
        }
      }
    }
  }
  const shipping = x.shipping;
  if (shipping == null) f[n++] = '';
  else {
    object(shipping);
    seen.shipping = str(shipping.code);
    f[n++] = '1';
    f[n++] = seen.shipping;
    f[n++] = str(shipping.price);
    f[n++] = str(shipping.taxRate);
  }
  const fees = x.additionalFees;
  if (fees == null) f[n++] = '';
  else {
    list(fees);
    f[n++] = fees.length;
    for (const fee of fees) {
      object(fee);
      const code = str(fee.code);
      seen.fees.push(code);
      f[n++] = code;
      f[n++] = str(fee.price);
      f[n++] = str(fee.taxRate);
    }
  }
  const g = x.giftCard;
  if (g == null) f[n++] = '';
  else {
    object(g);
    seen.giftCard = str(g.code);
    f[n++] = '1';
    f[n++] = seen.giftCard;
    f[n++] = str(g.balance);
  }
  const conversion = x.conversion;
  if (conversion == null) f[n++] = '';
  else {
    object(conversion);
    f[n++] = '1';
    f[n++] = str(conversion.currency);
    f[n++] = str(conversion.rate);
  }
  f[n] = n; // the number of fields before it
  return f.join(S);
}

/**
 * The output object from what the module wrote (its header at `at`): strings
 * cut from one text, the shape from numbers, ids and codes as the input had them.
 */
function decode(memory, at, seen) {
  const [textAt, textLength, endsAt, endsCount, shapeAt, shapeCount] = new Uint32Array(memory.buffer, at, 6);
  const text = decoder.decode(new Uint8Array(memory.buffer, textAt, textLength));
  const ends = new Uint32Array(memory.buffer, endsAt, endsCount);
  const shape = new Uint32Array(memory.buffer, shapeAt, shapeCount);
  let k = 0;
  let from = 0;
  let j = 0;
  const next = () => {
    const to = ends[k++];
    const v = text.substring(from, to);
    from = to;
    return v;
  };
  const converted = shape[j++] === 1;
  const lineCount = shape[j++];
  const conversionCurrency = converted ? next() : undefined;
  const price = converted ? () => ({ amount: next(), convertedAmount: next() }) : () => ({ amount: next() });
  const out = { currency: next(), lineItems: [] };
  const zero = next();
  const ids = seen.ids;
  for (let i = 0; i < lineCount; i++) {
    // an empty amount repeats one the line already has (see compact::write)
    const lineItemPrice = next();
    const discount = next() || zero;
    const taxableAmount = next() || lineItemPrice;
    const tax = next();
    out.lineItems.push({
      id: ids[i], lineItemPrice, discount, taxableAmount, tax,
      totalPriceBeforeTax: next() || taxableAmount, totalPriceAfterTax: next() || taxableAmount,
    });
  }
  if (shape[j++] === 1) out.shipping = { code: seen.shipping, price: next(), discount: next(), tax: next() };
  const hasFees = shape[j++] === 1;
  const fees = [];
  for (let i = 0, n = shape[j++]; i < n; i++) fees.push({ code: seen.fees[i], price: next(), tax: next() });
  if (hasFees) out.additionalFees = fees;
  out.appliedDiscounts = [];
  for (let i = 0, n = shape[j++]; i < n; i++) {
    const discount = { discountType: next(), coupon: { code: seen.coupon, amount: next() }, lineItemIds: [] };
    for (let m = shape[j++]; m > 0; m--) discount.lineItemIds.push(ids[shape[j++]]);
    out.appliedDiscounts.push(discount);
  }
  out.priceSummary = {
    subtotal: price(), discount: price(), shipping: price(), tax: price(), additionalFees: price(), total: price(),
  };
  if (shape[j++] === 1) out.giftCard = { code: seen.giftCard, amount: next() };
  out.payNow = { total: price() };
  out.payLater = { total: price() };
  if (converted) out.conversionCurrency = conversionCurrency;
  out.calculationErrors = [];
  for (let i = 0, n = shape[j++]; i < n; i++) out.calculationErrors.push({ code: next(), message: next() });
  return out;
}

/**
 * The compact path alone: the priced output, or undefined where the JSON path
 * must answer (another shape, or an invalid input and its error).
 */
export function makeCompactPrice(memory, { compactInput, priceCompact }) {
  return (input) => {
    const seen = { ids: [], coupon: '', shipping: '', fees: [], giftCard: '' };
    let text;
    try {
      text = encode(input, seen);
    } catch (e) {
      if (e === NO) return undefined;
      throw e;
    }
    const room = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    const into = compactInput(room); // may grow the memory: read memory.buffer after it
    const { written } = encoder.encodeInto(text, new Uint8Array(memory.buffer, into, room));
    const at = priceCompact(written);
    return at === 0 ? undefined : decode(memory, at, seen);
  };
}

/** The package's price(): the compact path, else the JSON path. */
export function makePrice(memory, bindings) {
  const compactPrice = makeCompactPrice(memory, bindings);
  return (input) => compactPrice(input) ?? bindings.priceJson(input);
}
