/** The rules, their ids and default severities: one table for the analyzer, ESLint, SARIF and the docs. */

export type Severity = 'error' | 'warning';
export type Confidence = 'high' | 'medium' | 'low';

export interface RuleMeta {
  readonly id: RuleId;
  readonly severity: Severity;
  /** One line: what the rule flags. */
  readonly description: string;
}

/** Where each rule's documentation page is: `${rulesDocsBaseUrl}<rule>.md`. */
export const rulesDocsBaseUrl = 'https://github.com/mcify-audit/mcify-audit/blob/main/docs/rules/';

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
  },
  'mcify/no-credential-in-input': {
    id: 'mcify/no-credential-in-input',
    severity: 'error',
    description: 'A per-user credential (token, API key, secret, password, ...) accepted as tool input instead of stored server-side.',
  },
  'mcify/require-auth': {
    id: 'mcify/require-auth',
    severity: 'warning',
    description: 'A tool whose handler reads ctx.auth but has no requireAuth() middleware.',
  },
  'mcify/require-scope-check': {
    id: 'mcify/require-scope-check',
    severity: 'error',
    description: 'A sensitive tool (refund, delete, export, ...) with no scope gate.',
  },
  'mcify/scoped-queries': {
    id: 'mcify/scoped-queries',
    severity: 'error',
    description: 'A data-access or upstream call that no value from the validated token constrains.',
  },
  'mcify/no-untrusted-identity': {
    id: 'mcify/no-untrusted-identity',
    severity: 'error',
    description: 'A query, write or credential lookup scoped by an identity taken from tool input.',
  },
  'mcify/no-auth-none': {
    id: 'mcify/no-auth-none',
    severity: 'error',
    description: 'A server without per-user auth (no auth, none(), or one shared static secret) whose tools read per-user identity.',
  },
  'mcify/no-secret-in-logs': {
    id: 'mcify/no-secret-in-logs',
    severity: 'error',
    description: 'A token, ctx.auth, a credential or an Authorization header passed to a logger.',
  },
  'mcify/no-pii-in-logs': {
    id: 'mcify/no-pii-in-logs',
    severity: 'warning',
    description: 'A raw identifier or personal data (user id, email) passed to a logger unhashed.',
  },
  'mcify/token-lifetime': {
    id: 'mcify/token-lifetime',
    severity: 'warning',
    description: 'A token lifetime, maximum age or clock tolerance above 900 seconds.',
  },
};

export function isRuleId(value: string): value is RuleId {
  return (ruleIds as readonly string[]).includes(value);
}
