import { describe, expect, it } from 'vitest';
import { analyzeSourceFile } from '../src/index.js';
import { virtualSourceFile } from './virtual-program.js';

/** A tool with identity fields; `comments[i]` goes on the line above field i. */
function tool(comments: readonly string[], extra = ''): string {
  const fields = ['userId', 'ownerId', 'accountId', 'teamId', 'memberId'];
  const lines = fields.map((field, index) => `${comments[index] === undefined || comments[index] === '' ? '' : `    ${comments[index]}\n`}    ${field}: z.string(),`);
  return `import { defineTool } from '@mcify/core';
import { z } from 'zod';
${extra}
export const lookup = defineTool({
  name: 'lookup',
  description: 'Look things up.',
  input: z.object({
${lines.join('\n')}
  }),
  handler: async () => ({}),
});
`;
}

function analyze(text: string, eslintDirectives = true) {
  const result = analyzeSourceFile(virtualSourceFile('case.ts', text), {}, { eslintDirectives });
  return {
    fields: result.findings.map((finding) => finding.field),
    // Every analysis says which dialect it used; these tests are about the other notes.
    notes: result.notes.filter((note) => note.code !== 'dialect').map((note) => note.message),
    codes: result.notes.filter((note) => note.code !== 'dialect').map((note) => `${note.code ?? '-'} ${String(note.line)}:${String(note.column)}`),
  };
}

describe('suppression comments', () => {
  it('honour a mcify-audit-ignore with a reason and an eslint-disable-next-line; a missing reason is not honoured and is a note', () => {
    const { fields, notes, codes } = analyze(
      tool([
        '// mcify-audit-ignore mcify/no-identity-in-input -- admin tool, reviewed',
        '// eslint-disable-next-line mcify/no-identity-in-input',
        '// mcify-audit-ignore no-identity-in-input',
        '// mcify-audit-ignore mcify/no-identity-in-input --   ',
      ]),
    );
    expect(fields).toEqual(['accountId', 'teamId', 'memberId']);
    expect(notes).toEqual([
      expect.stringMatching(/comment at line 12 has no reason, so it is not honoured/),
      expect.stringMatching(/comment at line 14 has no reason, so it is not honoured/),
    ]);
    expect(codes).toEqual(['suppression-no-reason 12:5', 'suppression-no-reason 14:5']);
  });

  it('note suppressions that suppress nothing or name no rule, and leave other tools’ directives alone', () => {
    const { fields, notes, codes } = analyze(
      tool([
        '// mcify-audit-ignore mcify/no-credential-in-input -- wrong rule',
        '// mcify-audit-ignore mcify/no-such-rule -- typo',
        '// eslint-disable-next-line no-console',
        '// eslint-disable-next-line',
      ]),
    );
    expect(fields).toEqual(['userId', 'ownerId', 'accountId', 'memberId']);
    expect(notes).toEqual([
      expect.stringMatching(/line 8 \(mcify\/no-credential-in-input\) suppresses nothing/),
      expect.stringMatching(/line 10 names no mcify rule \(mcify\/no-such-rule\)/),
    ]);
    expect(codes).toEqual(['suppression-unused 8:5', 'suppression-unknown-rule 10:5']);
  });

  it('leave eslint-disable-next-line to ESLint when it applies its own directives', () => {
    const { fields, notes } = analyze(tool(['// eslint-disable-next-line mcify/no-identity-in-input', '// eslint-disable-next-line mcify/no-pii-in-logs']), false);
    expect(fields).toEqual(['userId', 'ownerId', 'accountId', 'teamId', 'memberId']);
    expect(notes).toEqual([]);
  });

  it('ignore comment-like text inside strings and templates', () => {
    const quoted = "const sample = `\n    // mcify-audit-ignore mcify/no-identity-in-input\n    userId: z.string(),\n`;\nconst other = '// mcify-audit-ignore mcify/scoped-queries -- quoted';\n";
    const { fields, notes } = analyze(tool([], quoted));
    expect(fields).toEqual(['userId', 'ownerId', 'accountId', 'teamId', 'memberId']);
    expect(notes).toEqual([]);
  });
});
