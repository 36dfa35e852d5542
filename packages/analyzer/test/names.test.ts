import { describe, expect, it } from 'vitest';
import { isCredentialName, isIdentityName, isPersonalDataName, sensitiveVerbOf, tokenLifetimeUnit, toolNameVerb, wordsOf } from '../src/names.js';
import { AnalyzerOptionsError, resolveOptions } from '../src/options.js';

const options = resolveOptions();

describe('wordsOf', () => {
  it.each([
    ['targetUserId', ['target', 'user', 'id']],
    ['user_id', ['user', 'id']],
    ['ownerIDs', ['owner', 'ids']],
    ['API_KEY', ['api', 'key']],
    ['tenant-id', ['tenant', 'id']],
    ['userID', ['user', 'id']],
  ])('%s → %j', (name, words) => {
    expect(wordsOf(name)).toEqual(words);
  });
});

describe('name classification', () => {
  it.each(['userId', 'user_id', 'targetUserId', 'ownerIDs', 'tenant', 'org', 'organization', 'workspace', 'accountId', 'teamIds', 'memberIds', 'principalId', 'companyId', 'tenants', 'orgId'])(
    '%s is an identity',
    (name) => {
      expect(isIdentityName(name, options)).toBe(true);
    },
  );
  it.each(['customerId', 'clientId', 'subject', 'email', 'orderId', 'invoiceId', 'userName', 'id', 'uid', 'tenantName', 'idempotencyKey', 'accountNumber'])('%s is not an identity', (name) => {
    expect(isIdentityName(name, options)).toBe(false);
  });
  it.each(['apiKey', 'api_key', 'accessToken', 'refresh_token', 'clientSecret', 'password', 'passwd', 'credentials', 'privateKey', 'authorization', 'cookie', 'sessionId', 'linkToken', 'token', 'stripeApiKey', 'secrets', 'apiKeys'])(
    '%s is a credential',
    (name) => {
      expect(isCredentialName(name, options)).toBe(true);
    },
  );
  it.each(['pageToken', 'nextToken', 'continuationToken', 'syncToken', 'idempotencyToken', 'csrfToken', 'tokenCount', 'maxTokens', 'passwordHint', 'secretary'])('%s is not a credential', (name) => {
    expect(isCredentialName(name, options)).toBe(false);
  });
  it('treats identities and emails as personal data, order ids not', () => {
    expect(isPersonalDataName('userId', options)).toBe(true);
    expect(isPersonalDataName('customerEmail', options)).toBe(true);
    expect(isPersonalDataName('orderId', options)).toBe(false);
  });
});

describe('sensitive tools', () => {
  it.each([
    ['orders_refund', undefined, 'refund'],
    ['deleteUser', undefined, 'delete'],
    ['invoice', 'Voids an invoice.', 'void'],
    ['settle', 'Refunded orders are settled here.', 'refund'],
    ['payments', 'Pays the supplier.', 'pay'],
    ['refund_order', undefined, 'refund'],
    ['api_keys_revoke', undefined, 'revoke'],
    ['cancelSubscription', undefined, 'cancel'],
    ['refunds_list', 'Refunds every order of a failed batch.', 'refund'],
    ['payouts_schedule', undefined, 'payout'],
    ['thing', 'Cancelling a subscription ends it.', 'cancel'],
  ])('%s / %s → %s', (name, description, verb) => {
    expect(sensitiveVerbOf(name, description, options)).toBe(verb);
  });
  it.each([
    ['orders_list', 'List orders, including cancelled ones.'],
    ['playlist_get', undefined],
    ['exporter_status', undefined],
    ['payment_status', 'Shows whether an order was paid.'],
    ['display_settings', undefined],
    ['removal_stats', undefined],
    ['dropdown_options', undefined],
    ['transferable_items', undefined],
    ['refunds_list', undefined],
    ['refunds_list', 'List refunds issued this month.'],
    ['exports_get', undefined],
    ['list_transfers', undefined],
    ['getDeletedUsers', undefined],
    ['payouts_search', undefined],
  ])('%s / %s is not sensitive', (name, description) => {
    expect(sensitiveVerbOf(name, description, options)).toBeUndefined();
  });
});

describe('the verb of a tool name', () => {
  it.each([
    // The last word, when it is a read or sensitive verb in base form.
    ['refunds_list', 'list'],
    ['exports_get', 'get'],
    ['orders_refund', 'refund'],
    ['api_keys_revoke', 'revoke'],
    ['invoiceDescribe', 'describe'],
    // Otherwise the first word, when it is one.
    ['list_transfers', 'list'],
    ['refund_order', 'refund'],
    ['deleteUser', 'delete'],
    ['get_deleted_users', 'get'],
    // Otherwise any sensitive word of the name, plurals included.
    ['payouts_schedule', 'payout'],
    ['bulk_refunds_batch', 'refund'],
  ])('%s → %s', (name, verb) => {
    expect(toolNameVerb(name, options)).toBe(verb);
  });
  it.each(['orders', 'order_status', 'exporter_status', 'playlist'])('%s has no verb', (name) => {
    expect(toolNameVerb(name, options)).toBeUndefined();
  });
  it('reads the configured sensitive verbs', () => {
    const custom = resolveOptions({ sensitiveVerbs: ['archive'] });
    expect(toolNameVerb('orders_archive', custom)).toBe('archive');
    expect(sensitiveVerbOf('orders_archive', undefined, custom)).toBe('archive');
    expect(sensitiveVerbOf('orders_refund', undefined, custom)).toBeUndefined();
    expect(sensitiveVerbOf('archives_list', undefined, custom)).toBeUndefined();
  });
});

describe('token lifetimes', () => {
  it('reads units from the name and ignores non-token ages', () => {
    expect(tokenLifetimeUnit('maxTokenAgeSec')).toBe(1);
    expect(tokenLifetimeUnit('clockToleranceSec')).toBe(1);
    expect(tokenLifetimeUnit('sessionTtlMinutes')).toBe(60);
    expect(tokenLifetimeUnit('tokenTtlMs')).toBe(0.001);
    expect(tokenLifetimeUnit('jwtExpiresIn')).toBe(1);
    expect(tokenLifetimeUnit('cacheMaxAgeSec')).toBeUndefined();
    expect(tokenLifetimeUnit('timeoutMs')).toBeUndefined();
  });
});

describe('options', () => {
  it('rejects malformed options with a message naming the field', () => {
    expect(() => resolveOptions({ sensitiveVerbs: ['Refund!'] })).toThrow(AnalyzerOptionsError);
    expect(() => resolveOptions({ severity: { 'mcify/unknown': 'error' } })).toThrow(/severity/);
    expect(() => resolveOptions({ identityNoun: ['x'] })).toThrow(/Unrecognized key/);
  });
  it('replaces a default list when given', () => {
    const custom = resolveOptions({ identityNouns: ['patient'] });
    expect(isIdentityName('patientId', custom)).toBe(true);
    expect(isIdentityName('userId', custom)).toBe(false);
  });
});
