// The element's languages: each in ./i18n/<lang>.js (the same keys, a test
// holds them equal), fetched when a buyer speaks it. `{0}` and `{1}` are
// filled in by `say()`. Codes of the worker's errors and calculation errors
// have their own message; any other error shows the worker's own text.

import { untilLoaded } from './dom.js';

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
 * a fetch that failed is tried again until one gets through.
 */
export const messagesOf = (lang) => untilLoaded(() => import(`./i18n/${lang}.js`)).then((m) => m.default);

/** `key`'s message in `words` (from messagesOf), `{0}` and `{1}` filled in; null when it has none. */
export function say(words, key, ...args) {
  const text = words[key];
  return text === undefined ? null : text.replace(/\{(\d)\}/g, (_, i) => args[i]);
}
