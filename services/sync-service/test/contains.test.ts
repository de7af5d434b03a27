import { contains } from '../src/infra/db/contains';

describe('contains', () => {
  it('matches the search anywhere, lower-cased, with LIKE wildcards and the escape character taken as themselves', () => {
    expect(contains('lower(name)', 'Finance')).toEqual(["lower(name) like ? escape '\\'", ['%finance%']]);
    expect(contains('search_text', '50%_a\\b')).toEqual([
      "search_text like ? escape '\\'",
      ['%50\\%\\_a\\\\b%'],
    ]);
  });
});
