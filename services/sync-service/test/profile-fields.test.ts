import { loadConfig } from '../src/config';
import {
  defaultMapping,
  mapProfile,
  mappableProperties,
  profileFields,
  sortableFields,
} from '../src/features/users/profile-fields';
import { loadContract } from '../src/infra/contract/contract';

type Schema = { enum?: string[]; properties?: Record<string, Schema>; items?: Schema };
type Parameter = { name: string; schema: Schema };

const document = loadContract(loadConfig({}).OPENAPI_PATH).document as {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { parameters: Parameter[] }>>;
};
const { schemas } = document.components;
const propertiesOf = (name: string) => Object.keys(schemas[name].properties ?? {});

describe('the table of profile fields', () => {
  it("is the contract's ProfileField, and every schema that carries a profile has each field", () => {
    expect(schemas.ProfileField.enum).toEqual(profileFields);
    expect(propertiesOf('MappedProfile')).toEqual(profileFields);
    expect(propertiesOf('AttributeMapping')).toEqual(profileFields);
    for (const name of ['User', 'LocalUserInput', 'LocalUserPatch']) {
      expect(propertiesOf(name)).toEqual(expect.arrayContaining(profileFields));
    }
  });

  it('reads from Graph exactly the properties the contract lets a mapping name', () => {
    expect([...mappableProperties].sort()).toEqual([...(schemas.GraphPropertyList.items?.enum ?? [])].sort());
    expect(Object.keys(defaultMapping)).toEqual(profileFields);
  });

  it('sorts the imported users by the fields the contract offers as sorts', () => {
    const sort = document.paths['/api/imported-users'].get.parameters.find(
      (parameter) => parameter.name === 'sort',
    );
    expect(sort?.schema.enum).toEqual([...sortableFields, 'lastSyncedAt']);
  });

  it('maps a directory user by the first non-empty property, an optional field to null', () => {
    const user = {
      userPrincipalName: 'ada@x.example',
      givenName: '  Ada ',
      surname: '',
      mail: null,
      mobilePhone: null,
      businessPhones: [],
    };
    expect(mapProfile(user, defaultMapping)).toEqual({
      username: 'ada@x.example',
      firstName: 'Ada',
      lastName: '',
      email: 'ada@x.example',
      contactNumber: null,
    });
    expect(mapProfile({ ...user, businessPhones: ['+1 555'] }, defaultMapping).contactNumber).toBe('+1 555');
  });
});
