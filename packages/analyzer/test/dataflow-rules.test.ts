import { describe, expect, it } from 'vitest';
import type { CheckContext, DraftFinding, ToolCheck } from '../src/checks/check.js';
import { noPiiInLogs } from '../src/checks/no-pii-in-logs.js';
import { noSecretInLogs } from '../src/checks/no-secret-in-logs.js';
import { noUntrustedIdentity } from '../src/checks/no-untrusted-identity.js';
import { scopedQueries } from '../src/checks/scoped-queries.js';
import { Discovery } from '../src/discovery/discover.js';
import { createHandlerAnalyzer } from '../src/flow/analyze-handler.js';
import { resolveOptions } from '../src/options.js';
import { inputFields } from '../src/schema/input-fields.js';
import { virtualSourceFile } from './virtual-program.js';

/** Runs one check over every tool of a file; findings as `rule tool:line`. */
function run(check: ToolCheck, text: string, multiUser = true): string[] {
  const options = resolveOptions({});
  const sourceFile = virtualSourceFile('rules-case.ts', text);
  const discovery = new Discovery(options, undefined);
  const drafts: DraftFinding[] = [];
  const context: CheckContext = {
    options,
    checker: undefined,
    dialect: 'guide',
    discovery,
    flowOf: createHandlerAnalyzer({ options, checker: undefined }),
    inputFieldsOf: (tool) => inputFields(tool.input, undefined),
    multiUser: () => multiUser,
    report: (draft) => drafts.push(draft),
  };
  for (const tool of discovery.file(sourceFile).tools) check(tool, context);
  return drafts.map((draft) => `${draft.ruleId} ${draft.tool?.names[0] ?? '-'}:${String(sourceFile.getLineAndCharacterOfPosition(draft.node.getStart()).line + 1)}`);
}

const source = `import { defineTool, hash } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { PrismaClient } from '@prisma/client';
import { z } from 'zod';
const db = new PrismaClient();
export const a = defineTool({
  name: 'a', middlewares: [requireAuth()], input: z.object({ id: z.string(), userId: z.string() }),
  handler: async (input, ctx) => {
    const mine = await db.note.findMany({ where: { userId: ctx.auth.claims.sub } });
    const any = await db.note.findUnique({ where: { id: input.id } });
    const theirs = await db.note.findMany({ where: { userId: input.userId } });
    ctx.logger.info('read', { userId: hash(ctx.auth.claims.sub), count: mine.length });
    ctx.logger.info('raw', { userId: ctx.auth.claims.sub });
    ctx.logger.info('tok', { token: ctx.auth.token });
    return { mine, any, theirs };
  },
});
`;

describe('dataflow rules', () => {
  it('scoped-queries flags the unscoped query only, and is silent where no-untrusted-identity fires', () => {
    expect(run(scopedQueries, source)).toEqual(['mcify/scoped-queries a:10']);
  });

  it('scoped-queries is silent in single-user servers', () => {
    expect(run(scopedQueries, source, false)).toEqual([]);
  });

  it('no-untrusted-identity flags the query keyed by input.userId', () => {
    expect(run(noUntrustedIdentity, source)).toEqual(['mcify/no-untrusted-identity a:11']);
  });

  it('no-pii-in-logs flags the raw claims.sub, not the hashed one', () => {
    expect(run(noPiiInLogs, source)).toEqual(['mcify/no-pii-in-logs a:13']);
  });

  it('no-secret-in-logs flags ctx.auth.token', () => {
    expect(run(noSecretInLogs, source)).toEqual(['mcify/no-secret-in-logs a:14']);
  });
});
