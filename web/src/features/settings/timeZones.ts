/**
 * The IANA time zones the browser knows, for a searchable picker. UTC first (it is the default, and some
 * browsers leave it out of the list); a stored zone the browser does not list stays choosable, and its rule
 * says what is wrong with it.
 */
export function timeZoneOptions(stored: string): Array<{ label: string; value: string }> {
  const zones = Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC');
  const extra = stored && stored !== 'UTC' && !zones.includes(stored) ? [stored] : [];
  return ['UTC', ...extra, ...zones].map((zone) => ({ label: zone.replaceAll('_', ' '), value: zone }));
}
