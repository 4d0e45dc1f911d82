// The demo storefront: lists the demo store's catalog, puts items in a
// checkout on the worker (publishable key), and embeds <edge-checkout>,
// which prices every change live with the WebAssembly engine.
import { formatMoney } from '/edge-checkout/js/index.js';
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
  if (r.status !== 200) throw new Error(data.message);
  return data;
}

async function add(item) {
  const lineItems = [{ quantity: 1, catalogReference: { catalogItemId: item.id, appId: 'edge-checkout-demo' } }];
  const id = element.getAttribute('checkout-id');
  try {
    if (id) {
      await api('POST', `/ecom/v1/checkouts/${id}/add-to-checkout`, { lineItems });
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

for (const item of config.catalog) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Add to cart';
  button.dataset.addItem = item.id;
  button.setAttribute('aria-label', `Add ${item.name} to cart`);
  button.addEventListener('click', () => add(item));
  const li = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = item.name;
  const price = document.createElement('span');
  price.className = 'price';
  price.textContent = formatMoney(item.price, config.currency);
  li.append(name, price, button);
  document.getElementById('catalog').append(li);
}

element.addEventListener('order-placed', () => sessionStorage.removeItem('checkoutId'));
const saved = sessionStorage.getItem('checkoutId');
if (saved) element.setAttribute('checkout-id', saved);
document.body.dataset.ready = 'true';
