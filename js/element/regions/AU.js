// The regions of AU (ISO 3166-2, the part after "AU-") and their names.
export default 'ACT:Australian Capital Territory|NSW:New South Wales|NT:Northern Territory|QLD:Queensland|SA:South Australia|'
    + 'TAS:Tasmania|VIC:Victoria|WA:Western Australia';
