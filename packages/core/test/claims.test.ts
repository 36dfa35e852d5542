import { describe, expect, it } from 'vitest';
import { parseClaims, scopesFromClaims } from '@mcify/core';

describe('scopesFromClaims', () => {
  it('normalises scope, scp and scopes', () => {
    expect(scopesFromClaims({ scope: 'a b  c' })).toEqual(['a', 'b', 'c']);
    expect(scopesFromClaims({ scp: 'a b' })).toEqual(['a', 'b']);
    expect(scopesFromClaims({ scp: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(scopesFromClaims({ scopes: ['x'] })).toEqual(['x']);
    expect(scopesFromClaims({ scope: 'a b', scp: ['b', 'c'], scopes: ['c', 'd'] })).toEqual(['a', 'b', 'c', 'd']);
    expect(scopesFromClaims({})).toEqual([]);
  });
});

describe('parseClaims', () => {
  it('keeps well-typed registered claims and any custom claim', () => {
    const claims = { sub: 'alice', tenantId: 'acme', exp: 1, aud: ['a', 'b'], nested: { x: 1 } };
    expect(parseClaims(claims)).toEqual(claims);
  });

  it.each([
    [{ sub: ['alice', 'bob'] }],
    [{ sub: '' }],
    [{ sub: null }],
    [{ exp: '9999999999' }],
    [{ scope: ['a'] }],
    [{ scopes: 'a b' }],
    [{ aud: 7 }],
  ])('rejects type-confused registered claims %j', (claims) => {
    expect(parseClaims(claims)).toBeUndefined();
  });
});
