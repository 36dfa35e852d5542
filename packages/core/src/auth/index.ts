import { apiKey } from './api-key.js';
import { bearer } from './bearer.js';
import { none } from './none.js';
import { oauth } from './oauth.js';

export { apiKey, type ApiKeyOptions } from './api-key.js';
export { bearer, type BearerOptions } from './bearer.js';
export { none } from './none.js';
export { oauth, type OAuthOptions } from './oauth.js';
export * from './config.js';

/** The auth helpers as one namespace: `auth.none()`, `auth.bearer()`, `auth.apiKey()`, `auth.oauth()`. */
export const auth = Object.freeze({ none, bearer, apiKey, oauth });
