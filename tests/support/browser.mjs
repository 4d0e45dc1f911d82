// Launch options for Debian's Chromium under playwright-core: never a downloaded
// browser, and the flags a closed network and a root user need.
export function launchOptions() {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  };
}

/**
 * Opens `url` (the demo page) in `page` and waits for the page's own ready
 * mark, not the load event (its pictures need not have loaded); the page's
 * uncaught errors, as they come.
 */
export async function openReady(page, url) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready=true]');
  return errors;
}

/** Waits until the text of `selector` inside the first <edge-checkout>'s shadow root is `text`. */
export function until(page, selector, text) {
  return page.waitForFunction(([s, t]) => document.querySelector('edge-checkout')?.shadowRoot?.querySelector(s)?.textContent === t,
    [selector, text]);
}

/** The `name` (or `data-action`, `data-add-item`, else the tag) of the element focused inside <edge-checkout>, or of the page's. */
export function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.getAttribute('name') ?? a?.dataset?.action ?? a?.dataset?.addItem ?? a?.tagName;
  });
}

/** Presses Tab (Shift+Tab with `back`) until the focused control is `name`; fails after 80 presses. */
export async function tabTo(page, name, back = false) {
  for (let i = 0; i < 80; i++) {
    if ((await focused(page)) === name) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}
