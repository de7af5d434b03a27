// Signing in and out.
export const auth = {
  product: 'Bold Reports',
  subtitle: 'Azure AD user synchronization',
  enterCredentials: 'Enter your username and password.',
  sessionExpired: 'Your session has expired, please sign in again',
  username: 'Username',
  usernamePlaceholder: 'admin',
  password: 'Password',
  signIn: 'Sign in',
} as const;
