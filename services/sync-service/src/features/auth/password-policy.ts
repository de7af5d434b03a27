import { dictionary } from '@zxcvbn-ts/language-common';

/** OWASP ASVS 4.0.3, V2.1.1: at least 12 characters. */
export const minimumPasswordLength = 12;
/** The longest password the sign-in operation accepts (openapi.yaml). */
export const maximumPasswordLength = 500;

let commonPasswords: Set<string> | undefined;

/**
 * Why `password` may not be an administrator's, or null when it may: too short, too long to sign in with, the
 * username itself, or one of the 49,233 passwords of @zxcvbn-ts/language-common's list of the most used
 * (compared without case). Lengths count characters (code points), as the contract's maxLength does.
 */
export function passwordWeakness(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < minimumPasswordLength)
    return `it has ${length} characters; at least ${minimumPasswordLength} are needed`;
  if (length > maximumPasswordLength) return `it has more than ${maximumPasswordLength} characters`;
  const lowered = password.toLowerCase();
  if (lowered === username.toLowerCase()) return 'it is the username';
  commonPasswords ??= new Set(dictionary['passwords-common']);
  if (commonPasswords.has(lowered)) return 'it is on a list of commonly used passwords';
  return null;
}
