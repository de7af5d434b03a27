import { indexOfSeededId, seededUserId } from '../src/directory/seeded-ids';
import { seededUser } from '../src/directory/seeded-people';
import { TenantDirectory } from '../src/directory/tenant-directory';

describe('seeded directory', () => {
  it('encodes the index in a verifiable GUID-shaped id', () => {
    const id = seededUserId(42, 123_456);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(indexOfSeededId(42, id)).toBe(123_456);
    expect(indexOfSeededId(43, id)).toBeUndefined();
    expect(indexOfSeededId(42, id.replace(/^./, id[0] === 'a' ? 'b' : 'a'))).toBeUndefined();
  });

  it('gives realistic, unique people across name-pool rounds', () => {
    const upns = new Set<string>();
    for (let index = 0; index < 40_000; index++)
      upns.add(seededUser(7, index, 'contoso.example').userPrincipalName);
    expect(upns.size).toBe(40_000);
    const person = seededUser(7, 30_000, 'contoso.example');
    expect(person.userPrincipalName).toMatch(/^[a-z]+\.[a-z]+\d*@contoso\.example$/);
    expect(person.displayName).toBe(`${person.givenName} ${person.surname}`);
  });

  it('keeps a million users without materialising them, and pages fast', () => {
    const directory = new TenantDirectory(1, 'big.example', 1_000_000);
    const started = Date.now();
    let live = 0;
    for (let position = 999_000; position < 1_000_000; position++)
      if (directory.atPosition(position)?.state === 'live') live++;
    expect(live).toBe(1000);
    expect(Date.now() - started).toBeLessThan(500);
    const last = directory.seededAt(999_999)!;
    expect(directory.findLive(last.id)?.userPrincipalName).toBe(last.userPrincipalName);
  });
});
