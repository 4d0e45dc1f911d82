// The element's own styles, inside its shadow root. A page themes it with the
// custom properties below (set on `edge-checkout`, they win over these
// defaults) and styles its blocks through `::part()`; see the README.
//
// A line off screen is not laid out until it nears the view (`.line`'s
// content-visibility: 300 lines took 100 ms of layout, 12 ms so), but in a
// server's markup, inert until the element takes over, where Chromium spent
// seconds on it; such a line clips what it paints, so its clip is pushed out
// past a focus ring (3px, 2px off) by `overflow-clip-margin`. (Comments
// here, not in the styles: those are shipped.)
export const STYLES = `
:host {
  display: block;
  --ec-font: system-ui, sans-serif;
  --ec-color-text: #1d1d1f;
  --ec-color-muted: #545458;
  --ec-color-background: #ffffff;
  --ec-color-surface: #f4f4f5;
  --ec-color-border: #8e8e93;
  --ec-color-accent: #1d4ed8;
  --ec-color-accent-text: #ffffff;
  --ec-color-error: #b91c1c;
  --ec-color-success: #15803d;
  --ec-radius: 0.5rem;
  --ec-space: 1rem;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :host {
    --ec-color-text: #f4f4f5;
    --ec-color-muted: #b4b4bb;
    --ec-color-background: #18181b;
    --ec-color-surface: #27272a;
    --ec-color-border: #8e8e93;
    --ec-color-accent: #93b4ff;
    --ec-color-accent-text: #0b1020;
    --ec-color-error: #fca5a5;
    --ec-color-success: #86efac;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.ec {
  container-type: inline-size;
  font-family: var(--ec-font);
  color: var(--ec-color-text);
  background: var(--ec-color-background);
  border-radius: var(--ec-radius);
  padding: var(--ec-space);
  line-height: 1.4;
}
.body { display: grid; gap: var(--ec-space); grid-template-columns: minmax(0, 1fr); }
@container (min-width: 44rem) {
  .body { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
  .names { grid-template-columns: 1fr 1fr; }
  .place { grid-template-columns: 1.3fr 1.3fr 1fr; }
}
h2, h3 { font-size: 1rem; margin: 0 0 calc(var(--ec-space) / 2); }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
[hidden] { display: none !important; }
.panel { background: var(--ec-color-surface); border-radius: var(--ec-radius); padding: var(--ec-space); display: grid; gap: calc(var(--ec-space) / 2); }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: calc(var(--ec-space) / 2); }
.line { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: "img name total" "img qty remove" "img note note"; gap: 0.25rem 0.75rem; align-items: center; }
.ec:not([inert]) .line { content-visibility: auto; contain-intrinsic-size: auto 4.42rem; overflow-clip-margin: .375rem; }
.line img, .line .noimg { grid-area: img; width: 3rem; height: 3rem; border-radius: calc(var(--ec-radius) / 2); object-fit: cover; background: var(--ec-color-background); }
.line .name { grid-area: name; font-weight: 600; }
.line .qty { grid-area: qty; display: flex; gap: 0.5rem; align-items: center; }
.line .qty input { width: 5rem; }
.line .amount { grid-area: total; text-align: end; font-variant-numeric: tabular-nums; }
.line .rm { grid-area: remove; justify-self: end; }
.line .stock { grid-area: note; color: var(--ec-color-error); margin: 0; }
.field { display: grid; gap: 0.25rem; }
.names, .place { display: grid; gap: calc(var(--ec-space) / 2); }
label, legend { font-size: 0.9rem; }
input, select, button { font: inherit; color: inherit; }
input, select {
  background: var(--ec-color-background); border: 1px solid var(--ec-color-border); border-radius: calc(var(--ec-radius) / 2);
  padding: 0.5rem 0.6rem; min-height: 2.5rem; width: 100%; min-width: 0;
}
input[type=radio] { width: auto; min-height: 0; accent-color: var(--ec-color-accent); }
[aria-invalid=true] { border-color: var(--ec-color-error); border-width: 2px; }
.error { color: var(--ec-color-error); font-size: 0.85rem; margin: 0; }
.error:empty { display: none; }
button {
  border: 1px solid var(--ec-color-accent); background: var(--ec-color-accent); color: var(--ec-color-accent-text);
  border-radius: calc(var(--ec-radius) / 2); padding: 0.5rem 1rem; min-height: 2.5rem; cursor: pointer;
}
button:disabled { opacity: 0.6; cursor: progress; }
button.link { background: none; border: 0; color: var(--ec-color-accent); text-decoration: underline; padding: 0.25rem; min-height: 0; }
:focus-visible { outline: 3px solid var(--ec-color-accent); outline-offset: 2px; }
fieldset { border: 0; margin: 0; padding: 0; display: grid; gap: calc(var(--ec-space) / 2); }
legend { font-weight: 600; padding: 0; margin-bottom: 0.25rem; }
.option { display: flex; gap: 0.5rem; align-items: center; }
.option label { flex: 1; display: flex; justify-content: space-between; gap: 0.5rem; }
.coupon { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.5rem; align-items: end; }
.coupon .field { grid-column: 1; }
.coupon .error, .coupon .applied { grid-column: 1 / -1; margin: 0; }
dl { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.25rem var(--ec-space); margin: 0; }
dd { margin: 0; text-align: end; font-variant-numeric: tabular-nums; }
dt.total, dd.total { font-weight: 700; font-size: 1.15rem; border-top: 1px solid var(--ec-color-border); padding-top: 0.5rem; }
.muted { color: var(--ec-color-muted); font-size: 0.85rem; margin: 0; }
.banner { border: 2px solid var(--ec-color-error); border-radius: var(--ec-radius); padding: calc(var(--ec-space) / 2); display: flex; gap: 0.5rem; align-items: center; justify-content: space-between; flex-wrap: wrap; }
.banner p { margin: 0; }
.alert { color: var(--ec-color-error); margin: 0; }
.alert:empty { display: none; }
.note { color: var(--ec-color-accent); margin: 0; }
.submit { width: 100%; font-weight: 600; padding: 0.75rem; }
.done { text-align: center; padding: calc(var(--ec-space) * 2) var(--ec-space); }
.done h2 { font-size: 1.3rem; color: var(--ec-color-success); }
.done p { margin: 0.25rem 0; }
.skeleton { display: grid; gap: 0.75rem; }
.skeleton div { height: 3rem; border-radius: var(--ec-radius); background: linear-gradient(90deg, var(--ec-color-surface), var(--ec-color-background), var(--ec-color-surface)); background-size: 200% 100%; animation: shimmer 1.2s linear infinite; }
@keyframes shimmer { to { background-position: -200% 0; } }
@media (prefers-reduced-motion: reduce) { .skeleton div { animation: none; } }
`;
