import { hashOf } from './hashing';
import { FIRST_NAMES, JOB_TITLES, LAST_NAMES, OFFICES } from './names';
import { seededUserId } from './seeded-ids';
import type { UserRecord } from './user-record';

const NAME_PAIRS = FIRST_NAMES.length * LAST_NAMES.length;
/** A prime that does not divide NAME_PAIRS, so index → name pair is a permutation (no duplicates). */
const PAIR_STRIDE = 7919;
const CREATED_EPOCH = Date.UTC(2019, 0, 1);
const FIVE_YEARS_MS = 5 * 365 * 24 * 3600 * 1000;

/**
 * Seeded user #index of a tenant, as a pure function of (seed, index, domain): a million-user
 * tenant costs no memory. Each index maps to a unique (first, last, round) triple, so UPNs and
 * mails are unique; rounds after the first get a number appended, as real directories do.
 */
export function seededUser(seed: number, index: number, domain: string): UserRecord {
  const round = Math.floor(index / NAME_PAIRS);
  const pair = ((index % NAME_PAIRS) * PAIR_STRIDE + (seed % NAME_PAIRS)) % NAME_PAIRS;
  const givenName = FIRST_NAMES[pair % FIRST_NAMES.length];
  const surname = LAST_NAMES[Math.floor(pair / FIRST_NAMES.length)];
  const nickname = `${givenName}.${surname}${round > 0 ? round + 1 : ''}`.toLowerCase();
  const upn = `${nickname}@${domain}`;
  const traits = hashOf(seed, index, 1);
  const phones = hashOf(seed, index, 2);
  const hasMail = traits % 25 !== 0;
  const hasMobile = (traits >>> 5) % 4 !== 0;
  const hasBusinessPhone = (traits >>> 7) % 5 < 3;
  return {
    id: seededUserId(seed, index),
    userPrincipalName: upn,
    mailNickname: nickname,
    displayName: `${givenName} ${surname}`,
    givenName,
    surname,
    mail: hasMail ? upn : null,
    otherMails: [],
    mobilePhone: hasMobile ? phoneNumber(phones) : null,
    businessPhones: hasBusinessPhone ? [phoneNumber(phones >>> 3)] : [],
    accountEnabled: (traits >>> 10) % 20 !== 0,
    jobTitle: JOB_TITLES[(traits >>> 12) % JOB_TITLES.length],
    officeLocation: OFFICES[(traits >>> 16) % OFFICES.length],
    preferredLanguage: (traits >>> 20) % 10 === 0 ? 'de-DE' : 'en-US',
    createdDateTime: createdAt(hashOf(seed, index, 3)),
    deletedDateTime: null,
  };
}

function createdAt(hash: number): string {
  const offset = Math.floor((hash / 2 ** 32) * FIVE_YEARS_MS);
  return `${new Date(CREATED_EPOCH + offset).toISOString().slice(0, 19)}Z`;
}

function phoneNumber(hash: number): string {
  const area = 200 + (hash % 700);
  const line = (hash >>> 10) % 10000;
  return `+1 ${area} 555 ${String(line).padStart(4, '0')}`;
}
