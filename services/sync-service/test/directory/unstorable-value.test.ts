import { MAX_ATTRIBUTE_BYTES, unstorableValue } from '../../src/infra/directory/directory-user';

/**
 * The check every attribute of every user read passes: its quick path (short and well-formed) must refuse
 * exactly what the full check refuses, at the length limit counted in UTF-8 bytes, not in characters.
 */
describe('unstorableValue', () => {
  it.each([
    ['ASCII at the limit', 'x'.repeat(MAX_ATTRIBUTE_BYTES)],
    ['3-byte characters just under the quick path limit (341 × 3 = 1,023 bytes)', '€'.repeat(341)],
    ['2-byte characters at the limit (512 × 2 bytes)', 'é'.repeat(512)],
    ['surrogate pairs at the limit (256 × 4 bytes)', '😀'.repeat(256)],
    ['empty', ''],
  ])('stores %s', (_, value) => {
    expect(unstorableValue(value)).toBeNull();
  });

  it.each([
    ['ASCII one byte over', 'x'.repeat(MAX_ATTRIBUTE_BYTES + 1), 'is 1025 bytes long'],
    ['3-byte characters one character over (342 × 3 = 1,026 bytes)', '€'.repeat(342), 'is 1026 bytes long'],
    ['2-byte characters one byte over', `${'é'.repeat(512)}x`, 'is 1025 bytes long'],
    ['surrogate pairs one pair over', '😀'.repeat(257), 'is 1028 bytes long'],
    ['a lone high surrogate at the end', 'abc\uD83D', 'lone UTF-16 surrogate (U+D83D)'],
    ['a lone low surrogate after a pair', '😀\uDE00', 'lone UTF-16 surrogate (U+DE00)'],
    ['NUL in a long value', `${'x'.repeat(2000)}\u0000`, 'NUL character (U+0000)'],
  ])('refuses %s', (_, value, reason) => {
    expect(unstorableValue(value)).toContain(reason);
  });
});
