import { refuse, type AuthFailure } from './outcome.js';

/** Tokens longer than this are refused without being parsed or verified. */
export const maxCredentialLength = 8192;

/** RFC 6750 b64token. */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The bearer token of `Authorization: Bearer <token>`, or why there is none. The scheme is matched
 * case-insensitively (RFC 7235); `fetch` joins repeated headers with `, `, which fails the token syntax.
 */
export function bearerTokenFrom(headers: Headers): { token: string } | AuthFailure {
  const header = headers.get('authorization');
  if (header === null) return refuse('missing', 'Send Authorization: Bearer <token>.');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match?.[1] === undefined) {
    return refuse('invalid_request', 'The Authorization header must be "Bearer <token>".');
  }
  return credentialWithin(match[1], 'token');
}

/** The API key in `headerName`, or why there is none. */
export function apiKeyFrom(headers: Headers, headerName: string): { token: string } | AuthFailure {
  const value = headers.get(headerName);
  if (value === null || value.trim() === '') return refuse('missing', `Send the API key in the ${headerName} header.`);
  return credentialWithin(value.trim(), 'key');
}

function credentialWithin(token: string, noun: string): { token: string } | AuthFailure {
  if (token.length > maxCredentialLength) return refuse('invalid_request', `The ${noun} is too long.`);
  if (noun === 'token' && !b64token.test(token)) return refuse('invalid_request', 'The token is not a valid bearer token.');
  return { token };
}
