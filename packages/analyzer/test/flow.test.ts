import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile } from '../src/analyze.js';
import { Discovery } from '../src/discovery/discover.js';
import { analyzeHandler } from '../src/flow/analyze-handler.js';
import type { HandlerFlow, SinkFacts } from '../src/flow/handler-flow.js';
import { resolveOptions, type AnalyzerOptions } from '../src/options.js';
import { virtualPath, virtualProgram, virtualSourceFile } from './virtual-program.js';

const header = `
import { defineTool, hash } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';
`;

/** The flows of every tool in one file analysed on its own (no checker), by tool name. */
function fileFlows(body: string, options: AnalyzerOptions = {}): Map<string, HandlerFlow> {
  const resolved = resolveOptions(options);
  const sourceFile = virtualSourceFile('flow-case.ts', header + body);
  const facts = new Discovery(resolved, undefined).file(sourceFile);
  return new Map(facts.tools.map((tool) => [tool.names[0] ?? '?', analyzeHandler(tool, { options: resolved, checker: undefined })]));
}

/** The flows of the tools in `main.ts` of a program over several files, with a checker. */
function programFlows(files: Record<string, string>, options: AnalyzerOptions = {}): Map<string, HandlerFlow> {
  const resolved = resolveOptions(options);
  const { program } = virtualProgram(files);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(virtualPath('main.ts'));
  if (sourceFile === undefined) throw new Error('no main.ts');
  const facts = new Discovery(resolved, checker).file(sourceFile);
  return new Map(facts.tools.map((tool) => [tool.names[0] ?? '?', analyzeHandler(tool, { options: resolved, checker })]));
}

function flow(flows: Map<string, HandlerFlow>, name: string): HandlerFlow {
  const found = flows.get(name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

/** 1-based line of a node (of the part of the source after the shared header). */
function line(node: ts.Node): number {
  const sourceFile = node.getSourceFile();
  const absolute = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  return absolute - header.split('\n').length + 1;
}

function summary(sink: SinkFacts) {
  return { family: sink.family, line: line(sink.reportNode), scoped: sink.scopedByAuth, guarded: sink.guarded, identity: sink.untrustedIdentity !== undefined };
}

function tool(name: string, handler: string, middlewares = 'requireAuth()'): string {
  return `export const t_${name} = defineTool({ name: '${name}', description: 'x', middlewares: [${middlewares}], input: z.object({}), handler: ${handler} });\n`;
}

describe('handler flow: trust and sinks (file mode)', () => {
  it('scopes a Prisma query by a claim, and flags the same query keyed by an input userId', () => {
    const flows = fileFlows(`
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
${tool('mine', `async (_input, ctx) => {
  const userId = ctx.auth.claims.sub;
  return db.order.findMany({ where: { userId } });
}`)}
${tool('theirs', `async (input, ctx) => {
  return db.order.findMany({ where: { userId: input.userId } });
}`)}
${tool('destructured', `async ({ orderId, userId }, ctx) => db.order.findFirst({ where: { id: orderId, ownerId: userId } })`)}
${tool('mixed', `async (input, ctx) => {
  const claims = ctx.auth.claims;
  const owner = input.ownerId ?? claims.sub;
  return db.order.findMany({ where: { ownerId: owner } });
}`)}
${tool('byid', `async (input) => db.order.findUnique({ where: { id: input.orderId } })`)}
`);
    expect(flow(flows, 'mine').sinks.map(summary)).toEqual([{ family: 'prisma', line: 6, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'mine').readsAuth).toBe(true);
    expect(flow(flows, 'mine').readsIdentity).toBe(true);
    expect(flow(flows, 'theirs').sinks.map(summary)).toEqual([{ family: 'prisma', line: 10, scoped: false, guarded: false, identity: true }]);
    expect(flow(flows, 'destructured').sinks.map(summary)).toEqual([{ family: 'prisma', line: 13, scoped: false, guarded: false, identity: true }]);
    expect(flow(flows, 'mixed').sinks.map((sink) => [sink.scopedByAuth, sink.untrustedIdentity !== undefined])).toEqual([[false, true]]);
    expect(flow(flows, 'byid').sinks.map(summary)).toEqual([{ family: 'prisma', line: 21, scoped: false, guarded: false, identity: false }]);
    expect(flow(flows, 'byid').readsAuth).toBe(false);
  });

  it('follows renames, spreads, templates, String() and containers of trusted values', () => {
    const flows = fileFlows(`
import { Pool } from 'pg';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const pool = new Pool();
${tool('a', `async (_input, { auth }) => {
  const { sub: userId, tenantId } = auth.claims as { sub: string; tenantId: string };
  const owner = { tenantId, userId };
  return prisma.favorite.findMany({ where: { ...owner } });
}`)}
${tool('b', `async (input, ctx) => {
  const partition = \`\${ctx.auth.claims['tenantId']}:\${String(ctx.auth.claims.sub).toLowerCase()}\`;
  const params = [partition, input.limit];
  return pool.query('select * from kv where partition_key = $1 limit $2', params);
}`)}
`);
    expect(flow(flows, 'a').sinks.map(summary)).toEqual([{ family: 'prisma', line: 9, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'b').sinks.map(summary)).toEqual([{ family: 'pg', line: 15, scoped: true, guarded: false, identity: false }]);
  });

  it('reports a Drizzle chain once, at the line where the whole chain starts', () => {
    const flows = fileFlows(`
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { orders } from './schema';
const db = drizzle(process.env.DATABASE_URL!);
${tool('list', `async (input, ctx) => {
  const tenantId = ctx.auth.claims.tenantId as string;
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.status, input.status)));
  return rows;
}`)}
${tool('get', `async (input) => {
  const [row] = await db.select().from(orders).where(eq(orders.id, input.orderId));
  return row;
}`)}
${tool('owner', `async (input) => db.update(orders).set({ status: 'x' }).where(eq(orders.userId, input.userId))`)}
`);
    expect(flow(flows, 'list').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 8, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'get').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 16, scoped: false, guarded: false, identity: false }]);
    expect(flow(flows, 'owner').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 20, scoped: false, guarded: false, identity: true }]);
  });

  it('recognises Knex, Kysely, MongoDB, Supabase and SQL templates, with identity keys in each', () => {
    const flows = fileFlows(`
import knex from 'knex';
import { Kysely } from 'kysely';
import { MongoClient } from 'mongodb';
import { createClient } from '@supabase/supabase-js';
import postgres from 'postgres';
const k = knex({ client: 'pg' });
const ky = new Kysely<any>({} as any);
const mongo = new MongoClient('mongodb://x').db('app');
const notes = mongo.collection('notes');
const supabase = createClient('url', process.env.SUPABASE_KEY!);
const sql = postgres();
${tool('knex', `async (input) => k('orders').where('user_id', input.who).select('*')`)}
${tool('kysely', `async (input, ctx) => ky.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.auth.claims.tid as string).execute()`)}
${tool('mongo', `async (input) => notes.find({ ownerId: input.owner }).toArray()`)}
${tool('supabase', `async (input, ctx) => supabase.from('notes').select('*').eq('user_id', ctx.auth.claims.sub)`)}
${tool('sqltag', `async (input) => sql\`select * from notes where user_id = \${input.who}\``)}
`);
    expect(flow(flows, 'knex').sinks.map(summary)).toEqual([{ family: 'knex', line: 13, scoped: false, guarded: false, identity: true }]);
    expect(flow(flows, 'kysely').sinks.map(summary)).toEqual([{ family: 'kysely', line: 15, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'mongo').sinks.map(summary)).toEqual([{ family: 'mongodb', line: 17, scoped: false, guarded: false, identity: true }]);
    expect(flow(flows, 'supabase').sinks.map(summary)).toEqual([{ family: 'supabase', line: 19, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'sqltag').sinks.map(summary)).toEqual([{ family: 'sql-template', line: 21, scoped: false, guarded: false, identity: true }]);
  });

  it('treats the Stripe Connect account looked up by the caller as trusted, and a server-held key alone as unscoped', () => {
    const flows = fileFlows(`
import Stripe from 'stripe';
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
${tool('connect', `async (_input, ctx) => {
  const account = await db.stripeAccount.findUnique({ where: { userId: ctx.auth.claims.sub } });
  if (!account) throw new Error('none');
  return stripe.charges.list({ limit: 10 }, { stripeAccount: account.stripeAccountId });
}`)}
${tool('platform', `async (input) => stripe.charges.list({ limit: input.limit })`)}
${tool('server_secret', `async (input) => {
  const res = await fetch('https://api.example/v1/search?q=' + input.q, { headers: { authorization: \`Bearer \${process.env.API_SECRET}\` } });
  return res.json();
}`)}
${tool('tenant_header', `async (input, ctx) => ctx.fetch('https://api.example/v1/items', { headers: { 'x-tenant': ctx.auth.claims.tenantId as string } })`)}
`);
    expect(flow(flows, 'connect').sinks.map(summary)).toEqual([
      { family: 'prisma', line: 7, scoped: true, guarded: false, identity: false },
      { family: 'http-client', line: 9, scoped: true, guarded: false, identity: false },
    ]);
    expect(flow(flows, 'platform').sinks.map(summary)).toEqual([{ family: 'http-client', line: 12, scoped: false, guarded: false, identity: false }]);
    expect(flow(flows, 'server_secret').sinks.map(summary)).toEqual([{ family: 'fetch', line: 15, scoped: false, guarded: false, identity: false }]);
    expect(flow(flows, 'tenant_header').sinks.map(summary)).toEqual([{ family: 'fetch', line: 19, scoped: true, guarded: false, identity: false }]);
  });

  it('recognises ownership guards after a query, and earlier guards on an auth comparison', () => {
    const flows = fileFlows(`
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
${tool('owned', `async (input, ctx) => {
  const doc = await db.document.findUnique({ where: { id: input.id } });
  if (!doc || doc.ownerId !== ctx.auth.claims.sub) throw new Error('not found');
  await db.document.update({ where: { id: input.id }, data: { title: input.title } });
  return doc;
}`)}
${tool('admin', `async (input, ctx) => {
  if (!ctx.auth.scopes.includes('admin')) throw new Error('forbidden');
  return db.document.findMany({});
}`)}
${tool('typeonly', `async (input, ctx) => {
  if (ctx.auth.type !== 'oauth') throw new Error('oauth only');
  return db.document.findMany({});
}`)}
${tool('unguarded', `async (input, ctx) => {
  const doc = await db.document.findUnique({ where: { id: input.id } });
  if (!doc) throw new Error('not found');
  return doc;
}`)}
`);
    expect(flow(flows, 'owned').sinks.map((sink) => [sink.scopedByAuth, sink.guarded])).toEqual([[false, true], [false, true]]);
    expect(flow(flows, 'owned').authGuards.map((guard) => line(guard.node))).toEqual([6]);
    expect(flow(flows, 'admin').sinks.map((sink) => sink.guarded)).toEqual([true]);
    expect(flow(flows, 'admin').authGuards).toHaveLength(1);
    expect(flow(flows, 'typeonly').sinks.map((sink) => sink.guarded)).toEqual([false]);
    expect(flow(flows, 'typeonly').authGuards).toHaveLength(0);
    expect(flow(flows, 'typeonly').readsAuth).toBe(true);
    expect(flow(flows, 'typeonly').readsIdentity).toBe(false);
    expect(flow(flows, 'unguarded').sinks.map((sink) => sink.guarded)).toEqual([false]);
  });

  it('counts a handler guard only when it decides on a scope, role or claim value, as a requireAuth check', () => {
    const flows = fileFlows(`
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
function isManager(auth) { return auth.claims.role === 'manager'; }
function signedIn(auth) { return auth.type !== 'none' && Boolean(auth.claims.sub); }
${tool('role', `async (input, ctx) => {
  if (ctx.auth.claims.role !== 'admin') throw new Error('admins only');
  return db.document.findMany({});
}`)}
${tool('published_scope', `async (input, ctx) => {
  if (ctx.auth.type !== 'oauth_provider' || !ctx.auth.scope.split(' ').includes('docs:admin')) throw new Error('forbidden');
  return db.document.findMany({});
}`)}
${tool('published_subject', `async (input, ctx) => {
  if (ctx.auth.type !== 'oauth_provider' || ctx.auth.subject.role !== 'admin') throw new Error('forbidden');
  return db.document.findMany({});
}`)}
${tool('flag', `async (input, ctx) => {
  if (!ctx.auth.claims.isAdmin) return null;
  return db.document.findMany({});
}`)}
${tool('helper', `async (input, ctx) => {
  if (!isManager(ctx.auth)) throw new Error('managers only');
  return db.document.findMany({});
}`)}
${tool('sub_present', `async (input, ctx) => {
  if (!ctx.auth.claims.sub) throw new Error('sign in');
  return db.document.findMany({});
}`)}
${tool('token_present', `async (input, ctx) => {
  if (ctx.auth.type !== 'bearer' || ctx.auth.token.length === 0) throw new Error('sign in');
  return db.document.findMany({});
}`)}
${tool('scopes_present', `async (input, ctx) => {
  if (!ctx.auth.scopes || ctx.auth.scopes.length === 0 || ctx.auth.claims.sub === '') throw new Error('sign in');
  return db.document.findMany({});
}`)}
${tool('helper_presence', `async (input, ctx) => {
  if (!signedIn(ctx.auth)) throw new Error('sign in');
  return db.document.findMany({});
}`)}
`);
    for (const name of ['role', 'published_scope', 'published_subject', 'flag', 'helper']) {
      expect([name, flow(flows, name).authGuards.length, flow(flows, name).sinks.map((sink) => sink.guarded)]).toEqual([name, 1, [true]]);
    }
    for (const name of ['sub_present', 'token_present', 'scopes_present', 'helper_presence']) {
      expect([name, flow(flows, name).authGuards.length, flow(flows, name).sinks.map((sink) => sink.guarded)]).toEqual([name, 0, [false]]);
    }
  });

  it('keeps an ownership check on any auth value against a row loaded before', () => {
    const flows = fileFlows(`
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
${tool('by_token', `async (input, ctx) => {
  const key = await db.apiKey.findUnique({ where: { id: input.id } });
  if (!key || key.ownerToken !== ctx.auth.token) throw new Error('not found');
  return key;
}`)}
${tool('in_members', `async (input, ctx) => {
  const doc = await db.document.findUnique({ where: { id: input.id } });
  if (!doc || !doc.memberTokens.includes(ctx.auth.token)) throw new Error('not found');
  return doc;
}`)}
`);
    expect(flow(flows, 'by_token').sinks.map((sink) => sink.guarded)).toEqual([true]);
    expect(flow(flows, 'in_members').sinks.map((sink) => sink.guarded)).toEqual([true]);
  });

  it('reports sinks in same-file helpers at the handler call, scoped by what the call passes', () => {
    const flows = fileFlows(`
import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();
function ordersOf(tenantId: string) {
  return db.order.findMany({ where: { tenantId } });
}
const tenantOf = (ctx: { auth: { claims: Record<string, unknown> } }) => String(ctx.auth.claims['tenantId']);
${tool('good', `async (_input, ctx) => {
  const tenant = tenantOf(ctx);
  return ordersOf(tenant);
}`)}
${tool('bad', `async (input) => {
  return ordersOf(input.tenant);
}`)}
`);
    expect(flow(flows, 'good').sinks.map(summary)).toEqual([{ family: 'prisma', line: 10, scoped: true, guarded: false, identity: false }]);
    expect(flow(flows, 'good').readsIdentity).toBe(true);
    expect(flow(flows, 'bad').sinks.map(summary)).toEqual([{ family: 'prisma', line: 14, scoped: false, guarded: false, identity: true }]);
  });

  it('analyses callbacks with their closure, and honours configured trusted scope helpers', () => {
    const source = `
import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { withTenant } from './db';
import { orders } from './schema';
const db = drizzle('x');
${tool('rls', `async (_input, ctx) => withTenant(ctx, (tx) => tx.select().from(orders))`)}
${tool('tx', `async (input, ctx) => {
  const tenantId = ctx.auth.claims.tenantId as string;
  return db.transaction(async (tx) => {
    return tx.select().from(orders).where(eq(orders.tenantId, tenantId));
  });
}`)}
`;
    expect(flow(fileFlows(source), 'rls').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 7, scoped: false, guarded: false, identity: false }]);
    expect(flow(fileFlows(source, { trustedScopeHelpers: ['withTenant'] }), 'rls').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 7, scoped: true, guarded: false, identity: false }]);
    expect(flow(fileFlows(source), 'tx').sinks.map(summary)).toEqual([{ family: 'drizzle', line: 12, scoped: true, guarded: false, identity: false }]);
    expect(flow(fileFlows(source), 'rls').passesContext).toBe(true);
  });

  it('matches configured sinks', () => {
    const source = `
import { runQuery, repo } from './data';
${tool('configured', `async (input, ctx) => {
  await runQuery('select 1', [input.x]);
  await repo.find({ tenantId: ctx.auth.claims.tenantId });
  return null;
}`)}
`;
    expect(flow(fileFlows(source), 'configured').sinks).toHaveLength(0);
    const sinks = flow(fileFlows(source, { sinks: ['runQuery', 'repo.find'] }), 'configured').sinks.map(summary);
    expect(sinks).toEqual([
      { family: 'configured', line: 4, scoped: false, guarded: false, identity: false },
      { family: 'configured', line: 5, scoped: true, guarded: false, identity: false },
    ]);
  });

  it('never throws on odd handlers', () => {
    const flows = fileFlows(`
function loop(x: unknown): unknown { return loop(x); }
${tool('odd', `async (input, ctx) => { let a: any = a; a = a.b; const { c = c } = input as any; return loop(loop(ctx)); }`)}
export const t_none = defineTool({ name: 'none', input: z.object({}), handler: 42 as any });
`);
    expect(flow(flows, 'odd').sinks).toEqual([]);
    expect(flow(flows, 'none').sinks).toEqual([]);
  });
});

describe('handler flow: loggers (file mode)', () => {
  it('classifies tokens, ctx.auth, credentials and Authorization headers as secrets', () => {
    const flows = fileFlows(`
${tool('logs', `async (input, ctx) => {
  ctx.logger.info('token', { token: ctx.auth.token });
  console.log(ctx.auth);
  const bearer = ctx.auth.type === 'oauth' ? ctx.auth.token : 'none';
  ctx.logger.info('profile_read', { userId: hash(ctx.auth.claims.sub), bearer });
  ctx.logger.warn('key', input.apiKey);
  const request = new Request('https://x');
  ctx.logger.debug('hdr', { h: request.headers.get('authorization') });
  ctx.logger.info('usage', { tokenCount: 3, pageToken: input.pageToken });
  ctx.logger.info('hashed', { token: hash(ctx.auth.token) });
  return null;
}`)}
`);
    const logs = flow(flows, 'logs').logCalls;
    expect(logs.map((log) => [line(log.reportNode), log.secret !== undefined])).toEqual([
      [3, true],
      [4, true],
      [6, true],
      [7, true],
      [9, true],
      [10, false],
      [11, false],
    ]);
  });

  it('classifies raw identities, claims.sub and emails as personal data, unless hashed', () => {
    const flows = fileFlows(`
import pino from 'pino';
const logger = pino();
${tool('pii', `async (input, { auth, logger: log }) => {
  const { sub: userId } = auth.claims as { sub: string };
  log.info('a', { userId });
  log.info('b', { user: hash(userId) });
  logger.info({ subject: auth.claims.sub }, 'c');
  console.info('d', { email: input.email });
  log.info('e', { count: 3, userId: plain(userId) });
  const child = log.child({ userId });
  log.info('f', { user: log.hash(userId) });
  return null;
}`)}
function plain(x: string) { return x; }
`);
    const logs = flow(flows, 'pii').logCalls;
    expect(logs.map((log) => [line(log.reportNode), log.personalData !== undefined, log.secret !== undefined])).toEqual([
      [6, true, false],
      [7, false, false],
      [8, true, false],
      [9, true, false],
      [10, true, false],
      [11, true, false],
      [12, false, false],
    ]);
  });

  it('names logged personal data by the key the reader sees, not by the claim it came from', () => {
    const flows = fileFlows(`
${tool('keys', `async (input, ctx) => {
  const claims = ctx.auth.claims;
  const email = claims.email;
  ctx.logger.info('a', { who: claims.email });
  ctx.logger.info('b', { email });
  ctx.logger.info('c', { actor: { id: claims.sub } });
  ctx.logger.info(\`signed in as \${claims.email}\`);
  const meta = { contact: input.customerEmail };
  ctx.logger.info('d', { meta });
  ctx.logger.info('e', { requester: ctx.auth.subject });
  ctx.logger.info('f', { ...{ userId: claims.sub } });
  return null;
}`)}
`);
    const logs = flow(flows, 'keys').logCalls;
    expect(logs.map((log) => [line(log.reportNode), log.personalData?.key, log.personalData?.what])).toEqual([
      [5, 'who', '`who`'],
      [6, 'email', '`email`'],
      [7, 'actor.id', '`actor.id`'],
      [8, 'claims.email', '`claims.email`'],
      [10, 'meta.contact', '`meta.contact`'],
      [11, 'requester', '`requester`'],
      [12, 'userId', '`userId`'],
    ]);
    // The finding says the key too, in both dialects; a logged value under a neutral key still is one.
    for (const dialect of ['guide', 'published'] as const) {
      const { findings } = analyzeSourceFile(
        virtualSourceFile('pii-keys.ts', `${header}export const t = defineTool({ name: 'whoami', middlewares: [requireAuth()], input: z.object({}), handler: async (_input, ctx) => {
  ctx.logger.info('signed in', { who: ctx.auth.claims.email });
  ctx.logger.info('count', { n: 1 });
  return null;
} });`),
        { dialect },
      );
      const pii = findings.filter((finding) => finding.ruleId === 'mcify/no-pii-in-logs');
      expect(pii.map((finding) => finding.location.line)).toEqual([header.split('\n').length + 1]);
      expect(pii[0]?.message).toContain('`who`');
      expect(pii[0]?.message).not.toContain('email');
    }
    // What the value is stays known, for the flow step at the value.
    expect(logs[0]?.personalData?.source).toBe('`email`');
    expect(logs[5]?.personalData?.source).toBe('`ctx.auth.subject`');
  });
});

describe('handler flow: program mode (with a checker)', () => {
  const files = {
    'principal.ts': `
import type { HandlerContext } from '@mcify/core';
export function principalOf(ctx: HandlerContext) {
  const { sub, tenantId } = ctx.auth.claims as { sub: string; tenantId: string };
  return { tenantId, userId: sub };
}
`,
    'repo.ts': `
import { PrismaClient } from '@prisma/client';
export const db = new PrismaClient();
export async function invoicesOf(tenantId: string) {
  return db.invoice.findMany({ where: { tenantId } });
}
export async function anyInvoice(id: string) {
  return db.invoice.findUnique({ where: { id } });
}
`,
    'session.ts': `
import type { HandlerContext } from '@mcify/core';
export interface Session { orgId: string; upstreamApiKey: string }
export interface Store { lookup(token: string): Promise<Session | null> }
export async function sessionFromContext(store: Store, ctx: HandlerContext): Promise<Session> {
  if (ctx.auth.type !== 'bearer') throw new Error('bearer only');
  const session = await store.lookup(ctx.auth.token);
  if (session === null) throw new Error('expired');
  return session;
}
export async function callUpstream(ctx: HandlerContext, session: Session, path: string) {
  return ctx.fetch(\`https://ledger.example\${path}\`, { headers: { authorization: \`Bearer \${session.upstreamApiKey}\` }, signal: ctx.signal });
}
export async function callShared(ctx: HandlerContext, path: string) {
  return ctx.fetch(\`https://ledger.example\${path}\`, { headers: { authorization: \`Bearer \${process.env.LEDGER_SECRET}\` } });
}
`,
    'main.ts': `${header}
import { principalOf } from './principal.js';
import { anyInvoice, invoicesOf } from './repo.js';
import { callShared, callUpstream, sessionFromContext, type Store } from './session.js';
declare const store: Store;
${tool('helpers', `async (input, ctx) => {
  const { tenantId } = principalOf(ctx);
  const mine = await invoicesOf(tenantId);
  const other = await anyInvoice(input.id);
  return { mine, other };
}`)}
${tool('pattern_b', `async (input, ctx) => {
  const session = await sessionFromContext(store, ctx);
  await callUpstream(ctx, session, '/v1/invoices/' + encodeURIComponent(input.id));
  await callShared(ctx, '/v1/status');
  return null;
}`)}
${tool('reads_via_helper', `async (_input, ctx) => principalOf(ctx).userId`)}
`,
  };

  it('follows helpers in other files and reports their sinks at the handler call', () => {
    const flows = programFlows(files);
    const helpers = flow(flows, 'helpers').sinks.map(summary);
    expect(helpers).toEqual([
      { family: 'prisma', line: 8, scoped: true, guarded: false, identity: false },
      { family: 'prisma', line: 9, scoped: false, guarded: false, identity: false },
    ]);
    const patternB = flow(flows, 'pattern_b').sinks.map((sink) => [sink.family, sink.scopedByAuth]);
    expect(patternB).toEqual([
      ['fetch', true],
      ['fetch', false],
    ]);
    expect(flow(flows, 'pattern_b').authGuards).toHaveLength(0);
    expect(flow(flows, 'reads_via_helper').readsAuth).toBe(true);
    expect(flow(flows, 'reads_via_helper').readsIdentity).toBe(true);
    expect(flow(flows, 'reads_via_helper').passesContext).toBe(false);
  });
});
