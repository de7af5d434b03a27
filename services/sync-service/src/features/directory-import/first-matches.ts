/**
 * The first `limit` objects a search of the tenant matches, and whether more match: one object more than
 * asked is read, which tells it without counting the whole tenant.
 */
export async function firstMatches<Found>(
  search: (limit: number) => Promise<Found[]>,
  limit: number,
): Promise<{ items: Found[]; moreMatches: boolean }> {
  const found = await search(limit + 1);
  return { items: found.slice(0, limit), moreMatches: found.length > limit };
}
