import type { ImportedUserSort, ProfileField } from '@/api/schemas';
import { t } from '@/i18n';

interface ProfileFieldColumn<F extends ProfileField> {
  labelKey: `profileField.${F}`;
  minWidth: number;
  /** Long values are cut, with the whole value in a tooltip. */
  ellipsis: boolean;
  /** The imported users' listing sorts by it: exactly the fields the contract offers as sorts. */
  sortable: F extends ImportedUserSort ? true : false;
}

/**
 * How the app shows each profile field. Keyed by the contract's ProfileField: a field added to
 * openapi.yaml fails the type-check here until it has its label, and the tables then show it.
 */
export const PROFILE_FIELDS: { [F in ProfileField]: ProfileFieldColumn<F> } = {
  username: { labelKey: 'profileField.username', minWidth: 200, ellipsis: true, sortable: true },
  firstName: { labelKey: 'profileField.firstName', minWidth: 100, ellipsis: false, sortable: true },
  lastName: { labelKey: 'profileField.lastName', minWidth: 100, ellipsis: false, sortable: true },
  email: { labelKey: 'profileField.email', minWidth: 180, ellipsis: true, sortable: true },
  contactNumber: { labelKey: 'profileField.contactNumber', minWidth: 120, ellipsis: false, sortable: false },
};

export const PROFILE_FIELD_KEYS = Object.keys(PROFILE_FIELDS) as ProfileField[];

export function profileFieldLabel(field: ProfileField): string {
  return t(PROFILE_FIELDS[field].labelKey);
}
