import { describe, expect, it } from 'vitest';
import { apiKey, auth, bearer, McifyConfigError, none, oauth, type OAuthOptions } from '@mcify/core';

function configError(run: () => unknown): McifyConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof McifyConfigError) return error;
    throw error;
  }
  throw new Error('expected a McifyConfigError');
}

describe('auth helpers', () => {
  it('exposes named exports and the auth namespace as the same functions', () => {
    expect(auth.none).toBe(none);
    expect(auth.bearer).toBe(bearer);
    expect(auth.apiKey).toBe(apiKey);
    expect(auth.oauth).toBe(oauth);
    expect(none()).toEqual({ type: 'none' });
  });

  it('bearer() keeps env and verify and needs one of them', () => {
    const verify = () => true;
    expect(bearer({ env: 'MCP_TOKEN' })).toEqual({ type: 'bearer', env: 'MCP_TOKEN' });
    expect(bearer({ env: 'UNUSED', verify }).verify).toBe(verify);
    expect(configError(() => bearer({})).message).toMatch(/needs `verify/);
    expect(configError(() => bearer({ env: 'not a var' })).code).toBe('MCIFY_INVALID_AUTH');
  });

  it('apiKey() lower-cases the header and refuses Authorization', () => {
    expect(apiKey({ headerName: 'X-Api-Key', env: 'KEY' })).toEqual({ type: 'api_key', headerName: 'x-api-key', env: 'KEY' });
    expect(configError(() => apiKey({ headerName: 'Authorization', env: 'KEY' })).message).toMatch(/use bearer\(\)/);
    expect(configError(() => apiKey({ headerName: 'bad header', env: 'KEY' })).code).toBe('MCIFY_INVALID_AUTH');
  });

  describe('oauth()', () => {
    const base = { provider: 'custom', issuer: 'https://idp.example.com', audience: 'orders' } as const;

    it('applies safe defaults', () => {
      const config = oauth(base);
      expect(config).toMatchObject({ type: 'oauth', issuer: base.issuer, audience: 'orders', requiredScopes: [], clockToleranceSec: 30 });
      expect(config.algorithms).toContain('RS256');
      expect(config.algorithms).toContain('EdDSA');
      expect(config.algorithms.some((alg) => alg.startsWith('HS'))).toBe(false);
    });

    it.each(['workos', 'auth0', 'clerk', 'cognito', 'keycloak', 'custom'] as const)(
      'a missing issuer for %s is a typed error that says what to add',
      (provider) => {
        const error = configError(() => oauth({ provider, audience: 'orders' }));
        expect(error.code).toBe('MCIFY_OAUTH_ISSUER_REQUIRED');
        expect(error.message).toMatch(/add issuer: '/);
        expect(error.message).toContain(provider);
      },
    );

    it.each([['none'], ['HS256'], ['HS512']])('refuses the algorithm %s', (alg) => {
      const options = { ...base, algorithms: [alg] } as unknown as OAuthOptions;
      expect(configError(() => oauth(options)).message).toMatch(/only asymmetric algorithms/);
    });

    it('refuses plain-http issuers except on loopback', () => {
      expect(configError(() => oauth({ ...base, issuer: 'http://idp.example.com' })).message).toMatch(/https/);
      expect(oauth({ ...base, issuer: 'http://127.0.0.1:8080' }).issuer).toBe('http://127.0.0.1:8080');
      expect(oauth({ ...base, issuer: 'http://localhost:8080' }).issuer).toBe('http://localhost:8080');
    });

    it('refuses unknown options, empty audiences and absurd clock skew', () => {
      expect(configError(() => oauth({ ...base, audiance: 'x' } as unknown as OAuthOptions)).code).toBe('MCIFY_INVALID_AUTH');
      expect(configError(() => oauth({ ...base, audience: [] })).code).toBe('MCIFY_INVALID_AUTH');
      expect(configError(() => oauth({ ...base, clockToleranceSec: 3600 })).code).toBe('MCIFY_INVALID_AUTH');
    });
  });
});
