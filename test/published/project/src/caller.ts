/**
 * Who is calling: the subject the dashboard bound to the OAuth token when the user approved the
 * connection (see mcify.config.ts), and the organisation's own ledger credential, kept server-side.
 */
import type { HandlerContext } from '@mcify/core';

export interface Caller {
  readonly userId: string;
  readonly orgId: string;
}

export function callerOf(ctx: HandlerContext): Caller {
  if (ctx.auth.type !== 'oauth_provider') throw new Error('Connect this server from the dashboard first.');
  const { userId, orgId } = ctx.auth.subject;
  if (userId === undefined || orgId === undefined) throw new Error('This connection names no user.');
  return { userId, orgId };
}

/** Each organisation's API key at the ledger, by organisation id (loaded from the secrets store). */
const ledgerKeys = new Map<string, string>();

export interface LedgerAccess {
  readonly orgId: string;
  readonly apiKey: string;
}

export function ledgerAccessOf(ctx: HandlerContext): LedgerAccess {
  const { orgId } = callerOf(ctx);
  const apiKey = ledgerKeys.get(orgId);
  if (apiKey === undefined) throw new Error('Your organisation has not connected its ledger.');
  return { orgId, apiKey };
}

/** Stores the caller's organisation's ledger key (where a settings page would put it). */
export function saveLedgerKey(ctx: HandlerContext, apiKey: string): void {
  ledgerKeys.set(callerOf(ctx).orgId, apiKey);
}
