// Where a buyer can be: the ISO 3166-1 countries (their names come from the
// browser's Intl.DisplayNames, in the buyer's language), the ISO 3166-2
// regions of the countries whose addresses name one (./regions/), and the postal code
// shapes of a few countries, checked as the buyer types (the worker takes any
// text: these are hints, not the store's rules).

export const COUNTRIES = ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ '
  + 'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF '
  + 'GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW '
  + 'KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL '
  + 'NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST '
  + 'SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' ');

// the countries whose regions are listed here, each in ./regions/<country>.js
// (fetched when the buyer picks one of them)
const LISTED = ['US', 'CA', 'AU', 'DE', 'JP'];

/**
 * The regions of `country` as `[iso3166_2, name]`, or null when its addresses
 * need none here; `lang` picks the Japanese names of Japan's prefectures.
 */
export async function regionsOf(country, lang) {
  if (!LISTED.includes(country)) return null;
  const list = await import(`./regions/${country}.js`);
  if (country === 'JP') {
    return (lang === 'ja' ? list.japanese : list.names).map((name, i) => [`JP-${String(i + 1).padStart(2, '0')}`, name]);
  }
  return list.default.split('|').map((pair) => pair.split(':')).map(([code, name]) => [`${country}-${code}`, name]);
}

/** The word a country's addresses use for their region (a message key). */
export function regionWord(country) {
  return { US: 'state', AU: 'state', DE: 'state', CA: 'province', JP: 'prefecture' }[country] ?? 'region';
}

// [pattern, example] of the postal codes of a few countries
const POSTAL = {
  US: [/^\d{5}(-\d{4})?$/, '94105'],
  CA: [/^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, 'K1A 0B1'],
  DE: [/^\d{5}$/, '10115'],
  FR: [/^\d{5}$/, '75001'],
  ES: [/^\d{5}$/, '28001'],
  IT: [/^\d{5}$/, '00118'],
  JP: [/^\d{3}-?\d{4}$/, '100-0001'],
  AU: [/^\d{4}$/, '2000'],
  NL: [/^\d{4} ?[A-Z]{2}$/i, '1011 AB'],
  GB: [/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, 'SW1A 1AA'],
  IL: [/^\d{7}$/, '6100000'],
};

/** `[pattern, example]` of the country's postal codes, or null when not known here. */
export const postalRule = (country) => POSTAL[country] ?? null;

function namer(lang) {
  try {
    const names = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
    return (code) => names.of(code) ?? code;
  } catch {
    return (code) => code;
  }
}

/** A country's name in `lang`, by the browser; the code when it has none. */
export const countryName = (code, lang) => namer(lang)(code);

/** Every country as `[code, name]`, by name in `lang`. */
export function countryNames(lang) {
  const name = namer(lang);
  const collator = new Intl.Collator(lang);
  return COUNTRIES.map((code) => [code, name(code)]).sort((a, b) => collator.compare(a[1], b[1]));
}
