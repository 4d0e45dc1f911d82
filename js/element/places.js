// Where a buyer can be: the ISO 3166-1 countries (their names come from the
// browser's Intl.DisplayNames, in the buyer's language), the ISO 3166-2
// regions of the countries whose addresses name one, and the postal code
// shapes of a few countries, checked as the buyer types (the worker takes any
// text: these are hints, not the store's rules).

export const COUNTRIES = ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ '
  + 'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF '
  + 'GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW '
  + 'KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL '
  + 'NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST '
  + 'SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' ');

// code:name pairs; the code is the part after "XX-" in ISO 3166-2
const table = (text) => text.split('|').map((pair) => pair.split(':'));
const REGIONS = {
  US: table('AL:Alabama|AK:Alaska|AZ:Arizona|AR:Arkansas|CA:California|CO:Colorado|CT:Connecticut|DE:Delaware|DC:District of Columbia|'
    + 'FL:Florida|GA:Georgia|HI:Hawaii|ID:Idaho|IL:Illinois|IN:Indiana|IA:Iowa|KS:Kansas|KY:Kentucky|LA:Louisiana|ME:Maine|MD:Maryland|'
    + 'MA:Massachusetts|MI:Michigan|MN:Minnesota|MS:Mississippi|MO:Missouri|MT:Montana|NE:Nebraska|NV:Nevada|NH:New Hampshire|'
    + 'NJ:New Jersey|NM:New Mexico|NY:New York|NC:North Carolina|ND:North Dakota|OH:Ohio|OK:Oklahoma|OR:Oregon|PA:Pennsylvania|'
    + 'PR:Puerto Rico|RI:Rhode Island|SC:South Carolina|SD:South Dakota|TN:Tennessee|TX:Texas|UT:Utah|VT:Vermont|VA:Virginia|'
    + 'WA:Washington|WV:West Virginia|WI:Wisconsin|WY:Wyoming'),
  CA: table('AB:Alberta|BC:British Columbia|MB:Manitoba|NB:New Brunswick|NL:Newfoundland and Labrador|NS:Nova Scotia|'
    + 'NT:Northwest Territories|NU:Nunavut|ON:Ontario|PE:Prince Edward Island|QC:Québec|SK:Saskatchewan|YT:Yukon'),
  AU: table('ACT:Australian Capital Territory|NSW:New South Wales|NT:Northern Territory|QLD:Queensland|SA:South Australia|'
    + 'TAS:Tasmania|VIC:Victoria|WA:Western Australia'),
  DE: table('BW:Baden-Württemberg|BY:Bayern|BE:Berlin|BB:Brandenburg|HB:Bremen|HH:Hamburg|HE:Hessen|MV:Mecklenburg-Vorpommern|'
    + 'NI:Niedersachsen|NW:Nordrhein-Westfalen|RP:Rheinland-Pfalz|SL:Saarland|SN:Sachsen|ST:Sachsen-Anhalt|SH:Schleswig-Holstein|'
    + 'TH:Thüringen'),
};
// Japan's prefectures, JP-01 to JP-47, in their order: romanized, and in Japanese
const JP = ('Hokkaido Aomori Iwate Miyagi Akita Yamagata Fukushima Ibaraki Tochigi Gunma Saitama Chiba Tokyo Kanagawa Niigata Toyama '
  + 'Ishikawa Fukui Yamanashi Nagano Gifu Shizuoka Aichi Mie Shiga Kyoto Osaka Hyogo Nara Wakayama Tottori Shimane Okayama Hiroshima '
  + 'Yamaguchi Tokushima Kagawa Ehime Kochi Fukuoka Saga Nagasaki Kumamoto Oita Miyazaki Kagoshima Okinawa').split(' ');
const JP_JA = ('北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 '
  + '静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 '
  + '長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県').split(' ');

/**
 * The regions of `country` as `[iso3166_2, name]`, or null when its addresses
 * need none here; `lang` picks the Japanese names of Japan's prefectures.
 */
export function regionsOf(country, lang) {
  if (country === 'JP') {
    const names = lang === 'ja' ? JP_JA : JP;
    return names.map((name, i) => [`JP-${String(i + 1).padStart(2, '0')}`, name]);
  }
  return REGIONS[country]?.map(([code, name]) => [`${country}-${code}`, name]) ?? null;
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

/** A country's name in `lang`, by the browser; the code when it has none. */
export function countryNames(lang) {
  let names;
  try {
    names = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
  } catch {
    names = null;
  }
  const collator = new Intl.Collator(lang);
  return COUNTRIES.map((code) => [code, names?.of(code) ?? code]).sort((a, b) => collator.compare(a[1], b[1]));
}
