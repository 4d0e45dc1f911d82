// The demo storefront: lists the demo store's catalog and prices the cart live
// with the edge-checkout package (WebAssembly), on every change.
import { Checkout, formatMoney } from '/edge-checkout/js/index.js';

const config = await (await fetch('/demo-config.json')).json();
const $ = (id) => document.getElementById(id);
const money = (amount) => formatMoney(amount, config.currency);
const checkout = new Checkout({ currency: config.currency, lineItems: [] });
const quantities = new Map();

function show(summary) {
  for (const key of ['subtotal', 'discount', 'tax', 'total']) {
    document.querySelector(`[data-summary="${key}"]`).textContent = money(summary.priceSummary[key].amount);
  }
  $('empty').hidden = quantities.size > 0;
}

function edit(change) {
  try {
    show(change());
    $('error').hidden = true;
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

function renderLine(item) {
  const li = document.createElement('li');
  li.dataset.lineItemId = item.id;
  const label = document.createElement('label');
  label.textContent = item.name;
  label.htmlFor = `qty-${item.id}`;
  const input = document.createElement('input');
  Object.assign(input, { id: `qty-${item.id}`, name: 'quantity', type: 'number', min: 1, max: 100000, value: 1 });
  input.addEventListener('input', () => {
    if (input.value === '') return;
    edit(() => checkout.setQuantity(item.id, Number(input.value)));
  });
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove ${item.name}`);
  remove.addEventListener('click', () => {
    quantities.delete(item.id);
    li.remove();
    edit(() => checkout.removeLine(item.id));
  });
  li.append(label, input, remove);
  $('lines').append(li);
}

for (const item of config.catalog) {
  const li = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = item.name;
  const price = document.createElement('span');
  price.className = 'price';
  price.textContent = money(item.price);
  const add = document.createElement('button');
  add.type = 'button';
  add.textContent = 'Add to cart';
  add.dataset.addItem = item.id;
  add.setAttribute('aria-label', `Add ${item.name} to cart`);
  add.addEventListener('click', () => {
    if (quantities.has(item.id)) {
      const input = $(`qty-${item.id}`);
      input.value = Number(input.value) + 1;
      edit(() => checkout.setQuantity(item.id, Number(input.value)));
      return;
    }
    quantities.set(item.id, 1);
    renderLine(item);
    edit(() => checkout.addLine({ id: item.id, catalogItemId: item.id, price: item.price, quantity: 1 }));
  });
  li.append(name, price, add);
  $('catalog').append(li);
}
show(checkout.summary());
document.body.dataset.ready = 'true';
