// The demo storefront: lists the demo store's catalog, puts items in a
// checkout on the worker (publishable key), and embeds <edge-checkout>,
// which prices every change live with the WebAssembly engine.
import { formatMoney } from '/edge-checkout/js/engine.js';
import '/edge-checkout/js/element.js';

const config = await (await fetch('/demo-config.json')).json();
const element = document.getElementById('checkout');
element.setAttribute('publishable-key', config.publishableKey);
const status = document.getElementById('status');

async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: { authorization: config.publishableKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await r.json();
  if (r.status !== 200) throw Object.assign(new Error(data.message), { status: r.status });
  return data;
}

async function add(item) {
  const lineItems = [{ quantity: 1, catalogReference: { catalogItemId: item.id, appId: 'edge-checkout-demo' } }];
  const id = element.getAttribute('checkout-id');
  try {
    // a checkout that is gone (expired, or ordered) gives way to a new one
    const added = id && await api('POST', `/ecom/v1/checkouts/${id}/add-to-checkout`, { lineItems })
      .catch((e) => { if (e.status === 404 || e.status === 409) return null; throw e; });
    if (added) {
      await element.load();
    } else {
      const { checkout } = await api('POST', '/ecom/v1/checkouts', { channelType: 'WEB', lineItems });
      sessionStorage.setItem('checkoutId', checkout.id);
      element.setAttribute('checkout-id', checkout.id);
    }
    status.textContent = `${item.name} added to your cart.`;
  } catch (e) {
    status.textContent = e.message;
  }
}

let adding = Promise.resolve();
for (const item of config.catalog) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Add to cart';
  button.dataset.addItem = item.id;
  // the visible words first, then which item: a voice user says what they see
  button.setAttribute('aria-label', `Add to cart: ${item.name}`);
  // one add at a time: a second click before the first had made the checkout made another, and the first was lost
  button.addEventListener('click', () => { adding = adding.then(() => add(item)); });
  const li = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = item.name;
  const image = document.createElement('img');
  image.src = item.image;
  image.alt = '';
  image.width = 120;
  image.height = 120;
  const price = document.createElement('span');
  price.className = 'price';
  price.textContent = formatMoney(item.price, config.currency);
  li.append(image, name, price, button);
  document.getElementById('catalog').append(li);
}

const language = document.getElementById('language');
language.value = element.getAttribute('locale') ?? '';
language.addEventListener('change', () => {
  if (language.value) element.setAttribute('locale', language.value);
  else element.removeAttribute('locale');
});
element.addEventListener('order-created', () => sessionStorage.removeItem('checkoutId'));
// the checkout URL the API hands out (?checkoutId=…) names the checkout: the
// element reads it (checkout-id-from-url); else this tab's own cart
if (!element.getAttribute('checkout-id')) {
  const saved = sessionStorage.getItem('checkoutId');
  if (saved) element.setAttribute('checkout-id', saved);
} else {
  sessionStorage.setItem('checkoutId', element.getAttribute('checkout-id'));
}
document.body.dataset.ready = 'true';
