import type { ImportedUserSort, ProfileField } from '@/api/schemas';

interface ProfileFieldColumn<F extends ProfileField> {
  label: string;
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
  username: { label: 'Username', minWidth: 200, ellipsis: true, sortable: true },
  firstName: { label: 'First name', minWidth: 100, ellipsis: false, sortable: true },
  lastName: { label: 'Last name', minWidth: 100, ellipsis: false, sortable: true },
  email: { label: 'Email', minWidth: 180, ellipsis: true, sortable: true },
  contactNumber: { label: 'Contact number', minWidth: 120, ellipsis: false, sortable: false },
};

export const PROFILE_FIELD_KEYS = Object.keys(PROFILE_FIELDS) as ProfileField[];
