// The element's languages: each in ./i18n/<lang>.js (the same keys, a test
// holds them equal), fetched when a buyer speaks it. `{0}` and `{1}` are
// filled in by `say()`. Codes of the worker's errors and calculation errors
// have their own message; any other error shows the worker's own text.

import { whenBack } from './dom.js';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'ar', 'he'];
export const RIGHT_TO_LEFT = new Set(['ar', 'he']);

/** The language the element speaks for a BCP 47 tag: its language subtag if known, else `en`. */
export function languageOf(tag) {
  const lang = String(tag ?? '').toLowerCase().split(/[-_]/)[0];
  return lang === 'iw' ? 'he' : LANGUAGES.includes(lang) ? lang : 'en';
}

/**
 * The messages of `lang` (one of LANGUAGES), fetched on first use: a page
 * loads only its buyer's language. Without them the element cannot build, so
 * a fetch that failed is tried again until one gets through (./dom.js
 * `whenBack`, each wait twice the last, up to 30 s).
 */
export function messagesOf(lang) {
  let wait = 500;
  return new Promise((resolve) => {
    const next = () => import(`./i18n/${lang}.js`).then((m) => resolve(m.default), () => whenBack(next, wait = Math.min(wait * 2, 30_000)));
    next();
  });
}

/** `key`'s message in `words` (from messagesOf), `{0}` and `{1}` filled in; null when it has none. */
export function say(words, key, ...args) {
  const text = words[key];
  return text === undefined ? null : text.replace(/\{(\d)\}/g, (_, i) => args[i]);
}
