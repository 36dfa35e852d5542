/** The rules, their ids and default severities: one table for the analyzer, ESLint, SARIF and the docs. */

export type Severity = 'error' | 'warning';
export type Confidence = 'high' | 'medium' | 'low';

/**
 * How often a rule's findings are real problems, in SARIF's and GitHub code scanning's terms
 * (`reportingDescriptor.properties.precision`).
 */
export type RulePrecision = 'very-high' | 'high' | 'medium' | 'low';

export interface RuleMeta {
  readonly id: RuleId;
  readonly severity: Severity;
  /** One line: what the rule flags. */
  readonly description: string;
  /**
   * Why it matters and what to do instead, in one to three sentences of Markdown (inline code only).
   * The documentation page's summary paragraph is `description` followed by this text, word for word,
   * so SARIF's `fullDescription` and the page never drift apart.
   */
  readonly rationale: string;
  /**
   * A CVSS-like score from 0 to 10 of the worst plausible outcome, for SARIF's `security-severity`
   * (GitHub code scanning: 9.0 and above is critical, 7.0 high, 4.0 medium, below that low).
   */
  readonly securitySeverity: number;
  /** How often a finding is a real problem: name-based and syntactic rules are high, flow heuristics medium. */
  readonly precision: RulePrecision;
  /** The CWE weaknesses a finding is an instance of (numbers only: `639` is CWE-639). */
  readonly cwe: readonly number[];
  /**
   * The rule's messages by message id: templates with `{{name}}` placeholders (ESLint's syntax), filled
   * from a finding's `data`. Where the advice names mcify API, the published dialect has its own id
   * (`<id>Published`), so each template speaks one dialect. ESLint rules use these as `meta.messages`.
   */
  readonly messages: Readonly<Record<string, string>>;
}

/** A message template filled in: every `{{name}}` replaced by `data[name]` (unknown names are left as written, as ESLint does). */
export function renderMessage(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(data, name) ? (data[name] ?? whole) : whole));
}

/** The message of a finding: its rule's template for `messageId` filled with `data` (the id itself when the rule has no such template). */
export function ruleMessage(ruleId: RuleId, messageId: string, data: Readonly<Record<string, string>>): string {
  return renderMessage(rules[ruleId].messages[messageId] ?? messageId, data);
}

/** The project's home page, SARIF's `tool.driver.informationUri`. */
export const repositoryUrl = 'https://github.com/mcify-audit/mcify-audit';

/** Where each rule's documentation page is: `${rulesDocsBaseUrl}<rule>.md`. */
export const rulesDocsBaseUrl = `${repositoryUrl}/blob/main/docs/rules/`;

/** The documentation page of a rule, for ESLint's `meta.docs.url` and SARIF's `helpUri`. */
export function ruleDocsUrl(ruleId: RuleId): string {
  return `${rulesDocsBaseUrl}${ruleId.slice('mcify/'.length)}.md`;
}

export const ruleIds = [
  'mcify/no-identity-in-input',
  'mcify/no-credential-in-input',
  'mcify/require-auth',
  'mcify/require-scope-check',
  'mcify/scoped-queries',
  'mcify/no-untrusted-identity',
  'mcify/no-auth-none',
  'mcify/no-secret-in-logs',
  'mcify/no-pii-in-logs',
  'mcify/token-lifetime',
] as const;

export type RuleId = (typeof ruleIds)[number];

export const rules: Readonly<Record<RuleId, RuleMeta>> = {
  'mcify/no-identity-in-input': {
    id: 'mcify/no-identity-in-input',
    severity: 'error',
    description: "An identity field (user, tenant, org, account id, ...) in a tool's input schema: the agent decides who the user is.",
    rationale:
      "A tool's input is written by the model, and the model writes whatever the prompt (or a poisoned document) tells it to, so a `userId` or `tenantId` argument lets any caller name someone else; who the caller is must come from the validated token in `ctx.auth`.",
    securitySeverity: 8.1,
    precision: 'high',
    cwe: [639],
    messages: {
      identityField: 'Input field "{{field}}" of {{tool}} names the caller\'s identity: the agent can pass anyone\'s. Remove it and read the identity from ctx.auth.claims.',
      identityFieldPublished:
        'Input field "{{field}}" of {{tool}} names the caller\'s identity: the agent can pass anyone\'s. Remove it and read the identity from ctx.auth: ctx.auth.subject under oauthProvider, or the session or user your verify looks up by ctx.auth.token.',
    },
  },
  'mcify/no-credential-in-input': {
    id: 'mcify/no-credential-in-input',
    severity: 'error',
    description: 'A per-user credential (token, API key, secret, password, ...) accepted as tool input instead of stored server-side.',
    rationale:
      "Whatever a tool accepts as input passes through the model: it sits in the conversation, in the client's logs and in the model provider's, and a prompt injection can send it elsewhere. A user's upstream credential belongs in a server-side store, looked up by the identity in `ctx.auth`.",
    securitySeverity: 7.5,
    precision: 'high',
    cwe: [522],
    messages: {
      credentialField:
        'Input field "{{field}}" of {{tool}} accepts a credential: it passes through the agent\'s context and logs. Store it server-side, keyed by the caller\'s ctx.auth.claims, and look it up in the handler.',
      credentialFieldPublished:
        'Input field "{{field}}" of {{tool}} accepts a credential: it passes through the agent\'s context and logs. Store it server-side, keyed by the caller (ctx.auth.subject under oauthProvider, or the session looked up by ctx.auth.token), and look it up in the handler.',
    },
  },
  'mcify/require-auth': {
    id: 'mcify/require-auth',
    severity: 'warning',
    description: 'A tool whose handler reads ctx.auth but has no requireAuth() middleware.',
    rationale:
      "Without `requireAuth()` an mcify tool also runs for an unauthenticated request, where `ctx.auth` is the anonymous context (`{ type: 'none' }`, no user in it): the caller's id is `undefined`, and a query written as `where: { userId }` quietly becomes a query with no user at all. The middleware rejects such requests before the handler runs.",
    securitySeverity: 6.1,
    precision: 'high',
    cwe: [306],
    messages: {
      missingRequireAuth: '{{tool}} reads ctx.auth but has no requireAuth() middleware: an unauthenticated call reaches the handler. Add middlewares: [requireAuth()].',
    },
  },
  'mcify/require-scope-check': {
    id: 'mcify/require-scope-check',
    severity: 'error',
    description: 'A sensitive tool (refund, delete, export, ...) with no scope gate.',
    rationale:
      "Being signed in is not the same as being allowed to move money or destroy data: a token issued for reading orders must not be able to refund them, and an agent acting on a read-only grant must not be able to call a destructive tool at all. Sensitive tools need a gate that checks the token's scopes or role.",
    securitySeverity: 7.7,
    precision: 'medium',
    cwe: [862],
    messages: {
      missingScopeCheck: "{{tool}} can {{verb}} but has no scope check: any authenticated caller may use it. Gate it with requireAuth({ scopes: ['…'] }) or requireAuth({ check }).",
      missingScopeCheckPublished:
        '{{tool}} can {{verb}} but has no scope check: any authenticated caller may use it. Gate it with requireAuth({ predicate }) on the caller\'s scope or role (auth.scope under oauthProvider, auth.scopes under oauth, or the role of the session looked up by auth.token).',
    },
  },
  'mcify/scoped-queries': {
    id: 'mcify/scoped-queries',
    severity: 'error',
    description: 'A data-access or upstream call that no value from the validated token constrains.',
    rationale:
      "In a multi-tenant server every query must be narrowed to the caller — by the tenant or user id in `ctx.auth`, by an ownership check of what it returned, or inside a row-level-security scope — otherwise an order id guessed (or hallucinated) by the agent reads another tenant's data.",
    securitySeverity: 8.1,
    precision: 'medium',
    cwe: [639, 863],
    messages: {
      unscopedQuery: '{{sink}} is not scoped by the caller: filter by a value from ctx.auth (e.g. the token\'s tenantId or sub), or add an ownership check on the result.',
      unscopedQueryPublished:
        '{{sink}} is not scoped by the caller: filter by a value from ctx.auth (ctx.auth.subject under oauthProvider, or the tenant of the session looked up by ctx.auth.token), or add an ownership check on the result.',
      unscopedUpstream:
        '{{sink}} is not scoped by the caller: nothing from ctx.auth (a per-tenant credential, account header or id) constrains this upstream call, so every caller reaches the same data.',
    },
  },
  'mcify/no-untrusted-identity': {
    id: 'mcify/no-untrusted-identity',
    severity: 'error',
    description: 'A query, write or credential lookup scoped by an identity taken from tool input.',
    rationale:
      'This is the classic confused-deputy bug of MCP servers: the handler does narrow its query by a user or tenant id, but the id came from the agent, so whoever writes the prompt chooses whose data the server reaches. The identity that scopes a query must come from `ctx.auth`.',
    securitySeverity: 8.8,
    precision: 'high',
    cwe: [639, 441],
    messages: {
      untrustedIdentity: '{{sink}} is scoped by an identity taken from tool input: the caller chooses whose data this reaches. Take the identity from ctx.auth instead.',
    },
  },
  'mcify/no-auth-none': {
    id: 'mcify/no-auth-none',
    severity: 'error',
    description: 'A server without per-user auth (no auth, none(), or one shared static secret) whose tools read per-user identity.',
    rationale:
      'If the server cannot tell its callers apart, `ctx.auth` holds nobody in particular — every caller is the same "user", or the identity is empty and queries keyed on it match everything or nothing. A server whose tools depend on who is calling needs authentication that identifies each caller: `oauth(...)` (the guide) or `oauthProvider(...)` (the published API), or `bearer` / `apiKey` with a `verify` function that maps each token to its user.',
    securitySeverity: 9.1,
    precision: 'high',
    cwe: [287],
    messages: {
      noPerUserAuth: 'This server {{what}}, yet {{tool}} reads per-user identity from ctx.auth: every caller is the same user. Use oauth({ ... }) or bearer({ verify }).',
      noPerUserAuthPublished:
        'This server {{what}}, yet {{tool}} reads per-user identity from ctx.auth: every caller is the same user. Use oauthProvider({ ... }), or bearer({ verify }) whose verify maps each token to its user.',
    },
  },
  'mcify/no-secret-in-logs': {
    id: 'mcify/no-secret-in-logs',
    severity: 'error',
    description: 'A token, ctx.auth, a credential or an Authorization header passed to a logger.',
    rationale:
      'Logs are copied, shipped and kept far longer and more widely than the secrets in them should be; a bearer token in a log line is a session anyone with log access can replay. Log a keyed hash (`hash(...)` or `ctx.logger.hash(...)` on the guide\'s API, an HMAC from `node:crypto` on the published one) or a harmless attribute (`ctx.auth.type`, the scopes) instead.',
    securitySeverity: 6.8,
    precision: 'high',
    cwe: [532],
    messages: {
      secretLogged: 'This log call writes {{what}}, a secret, to the logs: anyone who reads them can replay it. Log a fact about it (present, expired) or hash(...) instead.',
      secretLoggedPublished:
        'This log call writes {{what}}, a secret, to the logs: anyone who reads them can replay it. Log a fact about it (present, expired) or a keyed hash of it (createHmac from node:crypto) instead.',
    },
  },
  'mcify/no-pii-in-logs': {
    id: 'mcify/no-pii-in-logs',
    severity: 'warning',
    description: 'A raw identifier or personal data (user id, email) passed to a logger unhashed.',
    rationale:
      "User ids, tenant ids and email addresses in logs make every log store a store of personal data — subject to deletion requests and breach notification — and let anyone with log access correlate one person's activity. A keyed hash keeps log lines joinable for debugging without the raw value.",
    securitySeverity: 4.3,
    precision: 'medium',
    cwe: [532, 359],
    messages: {
      personalDataLogged: 'This log call writes {{what}} unhashed: wrap it in hash(...) (or ctx.logger.hash(...)) so logs name people by pseudonym only.',
      personalDataLoggedPublished:
        'This log call writes {{what}} unhashed: log a keyed hash of it (createHmac from node:crypto) or leave it out, so logs name people by pseudonym only.',
    },
  },
  'mcify/token-lifetime': {
    id: 'mcify/token-lifetime',
    severity: 'warning',
    description: "A token lifetime, maximum age or clock tolerance above 900 seconds (refresh tokens: above 7 days), set or left to oauthProvider()'s defaults.",
    rationale:
      'A bearer token is valid until it expires, whoever holds it; a short lifetime bounds how long a leaked or stolen token (from a log, an agent transcript, a compromised client) stays useful, and how long a revoked user keeps access. Fifteen minutes is the limit for access tokens; refresh tokens, which exist for longer sessions, get seven days and should rotate on use.',
    securitySeverity: 3.7,
    precision: 'high',
    cwe: [613],
    messages: {
      longLifetime: '{{name}} allows {{duration}}: a stolen token stays useful that long. Keep token lifetimes, maximum ages and clock tolerances at or under 15 minutes and refresh instead.',
      refreshLifetime:
        '{{name}} keeps refresh tokens valid for {{duration}}: a stolen refresh token keeps minting access tokens that long. Keep refresh tokens at or under 7 days and rotate them on use.',
      defaultLifetime:
        'oauthProvider() issues access tokens for {{duration}} when {{option}} is left out: a stolen token stays useful that long. Set {{option}} to 900 or less.',
      defaultRefreshLifetime:
        'oauthProvider() issues refresh tokens for {{duration}} when {{option}} is left out: a stolen refresh token keeps minting access tokens that long. Set {{option}} to 7 or less.',
    },
  },
};

export function isRuleId(value: string): value is RuleId {
  return (ruleIds as readonly string[]).includes(value);
}
