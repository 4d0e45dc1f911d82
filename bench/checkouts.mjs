// The checkouts the CPU benches make: `n` lines of the demo store's sticker
// packs, each with an option of its own (a line each), and a buyer with an
// address and a delivery chosen, so that a create-order has all it needs.
const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St', postalCode: '94105' };

export const checkoutInfo = {
  buyerInfo: { email: 'bench@example.com' },
  billingInfo: { address },
  shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
};

export const stickerLines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));
