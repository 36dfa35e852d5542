/**
 * What the report formats say about the harness's rules and properties: one table for the SARIF
 * driver, the text, Markdown, HTML and JUnit formats, so they never describe a rule differently.
 */
import { repositoryUrl } from '@mcify-audit/analyzer';
import type { CellStatus, HarnessRuleId, PropertyId } from '@mcify-audit/harness';

/** A harness rule as the formats describe it. */
export interface HarnessRuleMeta {
  readonly id: HarnessRuleId;
  readonly severity: 'error' | 'warning';
  /** One line: what a finding of the rule means. */
  readonly description: string;
  /** Why it matters, in one or two sentences (plain text). */
  readonly rationale: string;
  /** 0–10, SARIF's `security-severity`. */
  readonly securitySeverity: number;
  readonly cwe: readonly number[];
}

/** Where the harness's documentation is: each rule has a section named after it. */
export const harnessDocsUrl = `${repositoryUrl}/blob/main/docs/harness.md`;

/** The documentation of a harness rule: `docs/harness.md#cross-tenant-read`. */
export function harnessRuleDocsUrl(ruleId: HarnessRuleId): string {
  return `${harnessDocsUrl}#${ruleId.slice('harness/'.length)}`;
}

/** Every harness rule, in the architecture's order (a `Record`, so the compiler checks none is missing). */
export const harnessRules: Readonly<Record<HarnessRuleId, HarnessRuleMeta>> = {
  'harness/cross-tenant-read': {
    id: 'harness/cross-tenant-read',
    severity: 'error',
    description: "A principal received data only another tenant's principal could see.",
    rationale: "One tenant's agent can read another tenant's data. Constrain every query by the tenant (and user) of the validated token, never by ids or identities taken from the tool's input.",
    securitySeverity: 8.6,
    cwe: [639, 863],
  },
  'harness/cross-tenant-write': {
    id: 'harness/cross-tenant-write',
    severity: 'error',
    description: "A principal's call changed an object of another tenant.",
    rationale: "One tenant's agent can change or destroy another tenant's data. Constrain every update and delete by the tenant (and user) of the validated token.",
    securitySeverity: 9.1,
    cwe: [639, 863],
  },
  'harness/forged-token-accepted': {
    id: 'harness/forged-token-accepted',
    severity: 'error',
    description: 'The server accepted a forged, expired, tampered or otherwise invalid credential.',
    rationale: 'Anyone who can reach the server can act as any principal. Verify the signature, issuer, audience and lifetime of every token, with little clock tolerance.',
    securitySeverity: 9.3,
    cwe: [287, 345],
  },
  'harness/scope-not-enforced': {
    id: 'harness/scope-not-enforced',
    severity: 'error',
    description: 'A sensitive tool ran for a principal whose token lacks the scope it needs.',
    rationale: 'A token granted for reading can perform sensitive actions. Gate each sensitive tool on the scope it requires, and refuse with 403 insufficient_scope.',
    securitySeverity: 7.7,
    cwe: [285, 862],
  },
  'harness/server-error': {
    id: 'harness/server-error',
    severity: 'error',
    description: 'The server answered with a 5xx error.',
    rationale: 'Inputs an agent can send crash or break the server: a denial of service at least, and often a sign of unchecked input reaching code that trusts it.',
    securitySeverity: 5.3,
    cwe: [248, 754],
  },
  'harness/secret-reflected': {
    id: 'harness/secret-reflected',
    severity: 'error',
    description: "An answer carried a credential, key material, a stack trace or a path of the server's files.",
    rationale: 'What the server reflects, an agent (and whoever reads its transcript) learns. Never put tokens, keys or internals in tool results or error messages.',
    securitySeverity: 7.5,
    cwe: [200, 209],
  },
  'harness/missing-www-authenticate': {
    id: 'harness/missing-www-authenticate',
    severity: 'warning',
    description: 'A 401 answer lacked the WWW-Authenticate challenge the server advertises.',
    rationale: 'MCP clients find the authorization server from the challenge (RFC 9728 resource_metadata); without it they cannot recover from an expired token.',
    securitySeverity: 3.1,
    cwe: [287],
  },
  'harness/wrong-status': {
    id: 'harness/wrong-status',
    severity: 'warning',
    description: "A refusal came with a status or error the MCP authorization spec does not allow for it.",
    rationale: 'Clients decide what to do from the status: a 401 means "get a new token", a 403 insufficient_scope "ask for more scopes", a tool error "the input was wrong".',
    securitySeverity: 3.1,
    cwe: [755],
  },
};

/** The harness's rule ids in table order. */
export const harnessRuleOrder = Object.keys(harnessRules) as HarnessRuleId[];

/** What each property checks, in the order a run executes them (a `Record`: none missing). */
export const propertyDescriptions: Readonly<Record<PropertyId, string>> = {
  authentication: 'forged, expired and malformed credentials are refused with the right status and challenge',
  'read-isolation': "no principal receives another tenant's data",
  sessions: "a session id does not carry one principal's access to another, or to no credential",
  'scope-enforcement': 'sensitive tools refuse principals without the scope they need',
  'write-isolation': "no principal changes another tenant's objects",
  stateful: "objects created during the run stay their owner's through list, read, update and delete",
  'server-hygiene': 'no 5xx answers, and no secrets, stack traces or paths in answers',
};

/** The properties in run order. */
export const propertyOrder = Object.keys(propertyDescriptions) as PropertyId[];

/** How each cell status reads: short word, and the sentence form. */
export const statusWords: Readonly<Record<CellStatus, string>> = {
  held: 'held',
  failed: 'failed',
  'not-exercised': 'not exercised',
  'not-applicable': 'not applicable',
};
