// price(): the compact boundary format of crates/checkout-wasm/src/wire.rs
// (read its module documentation for the layout), with the module's JSON path
// for everything it does not take. The format only carries values: the core
// reads them into the same input the JSON reader builds, and validates and
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
 * The input as one string of fields, each followed by U+001F, and last the
 * number of fields; throws NO for what only JSON carries exactly. (One string
 * built by concatenation and encoded once is faster than writing each field
 * into memory.)
 */
function encode(x) {
  object(x);
  let n = 3; // currency, taxIncludedInPrice, the line count
  let s = str(x.currency) + S + bool(x.taxIncludedInPrice) + S;
  if (x.lineItems == null) s += S;
  else {
    const lines = list(x.lineItems);
    s += lines.length + S;
    n += 6 * lines.length;
    for (let i = 0; i < lines.length; i++) {
      const l = object(lines[i]);
      s += str(l.id) + S + str(l.price) + S + whole(l.quantity) + S + str(l.taxRate) + S +
        str(l.catalogItemId) + S + str(l.itemType) + S;
    }
  }
  n += 5; // the coupon count and the shipping, fees, gift card and conversion flags
  if (x.coupons == null) s += S;
  else {
    const coupons = list(x.coupons);
    s += coupons.length + S;
    for (const c of coupons) {
      object(c);
      s += str(c.code) + S + str(c.type) + S + str(c.value) + S + str(c.minimumSubtotal) + S;
      n += 5;
      if (c.catalogItemIds == null) s += S;
      else {
        const ids = list(c.catalogItemIds);
        s += ids.length + S;
        n += ids.length;
        for (const id of ids) {
          if (typeof id !== 'string') throw NO;
          s += id + S;
        }
      }
    }
  }
  if (x.shipping == null) s += S;
  else {
    const c = object(x.shipping);
    s += '1' + S + str(c.code) + S + str(c.price) + S + str(c.taxRate) + S;
    n += 3;
  }
  if (x.additionalFees == null) s += S;
  else {
    const fees = list(x.additionalFees);
    s += fees.length + S;
    n += 3 * fees.length;
    for (const f of fees) {
      object(f);
      s += str(f.code) + S + str(f.price) + S + str(f.taxRate) + S;
    }
  }
  if (x.giftCard == null) s += S;
  else {
    const g = object(x.giftCard);
    s += '1' + S + str(g.code) + S + str(g.balance) + S;
    n += 2;
  }
  if (x.conversion == null) s += S;
  else {
    const c = object(x.conversion);
    s += '1' + S + str(c.currency) + S + str(c.rate) + S;
    n += 2;
  }
  return s + n;
}

/**
 * The output object from what the module wrote (its header at `at`): strings
 * cut from one text, the shape from numbers, ids and codes from the input.
 */
function decode(memory, at, x) {
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
  const lines = x.lineItems;
  for (let i = 0; i < lineCount; i++) {
    // an empty amount repeats one the line already has (see wire::write)
    const lineItemPrice = next();
    const discount = next() || zero;
    const taxableAmount = next() || lineItemPrice;
    const tax = next();
    out.lineItems.push({
      id: lines[i].id, lineItemPrice, discount, taxableAmount, tax,
      totalPriceBeforeTax: next() || taxableAmount, totalPriceAfterTax: next() || taxableAmount,
    });
  }
  if (shape[j++] === 1) out.shipping = { code: x.shipping.code, price: next(), discount: next(), tax: next() };
  const hasFees = shape[j++] === 1;
  const fees = [];
  for (let i = 0, n = shape[j++]; i < n; i++) fees.push({ code: x.additionalFees[i].code, price: next(), tax: next() });
  if (hasFees) out.additionalFees = fees;
  out.appliedDiscounts = [];
  for (let i = 0, n = shape[j++]; i < n; i++) {
    const discount = { discountType: next(), coupon: { code: x.coupons[0].code, amount: next() }, lineItemIds: [] };
    for (let m = shape[j++]; m > 0; m--) discount.lineItemIds.push(lines[shape[j++]].id);
    out.appliedDiscounts.push(discount);
  }
  out.priceSummary = {
    subtotal: price(), discount: price(), shipping: price(), tax: price(), additionalFees: price(), total: price(),
  };
  if (shape[j++] === 1) out.giftCard = { code: x.giftCard.code, amount: next() };
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
export function makeWirePrice(memory, { wireInput, priceWire }) {
  return (input) => {
    let text;
    try {
      text = encode(input);
    } catch (e) {
      if (e === NO) return undefined;
      throw e;
    }
    const room = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    const into = wireInput(room); // may grow the memory: read memory.buffer after it
    const { written } = encoder.encodeInto(text, new Uint8Array(memory.buffer, into, room));
    const at = priceWire(written);
    return at === 0 ? undefined : decode(memory, at, input);
  };
}

/** The package's price(): the compact path, else the JSON path. */
export function makePrice(memory, bindings) {
  const wirePrice = makeWirePrice(memory, bindings);
  return (input) => wirePrice(input) ?? bindings.priceJson(input);
}
