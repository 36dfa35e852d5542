import { espreeRuleTester, rules, ts, typedRuleTester, untypedRuleTester } from './support.js';

const rule = rules['no-identity-in-input'];

// A tool whose input is a schema imported from fixture/schemas.ts (`reportInput` carries `userId`).
// With type information the schema resolves and the finding is on the tool's `input:` line (no
// suggestion: the field is in another file). Without types the imported schema is opaque, so the
// very same code gives no finding: the untyped suite lists it as valid.
const importedSchemaTool = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { reportInput } from './schemas.js';

  export const reportsGenerate = defineTool({
    name: 'reports_generate',
    description: 'Generate an activity report for a period.',
    middlewares: [requireAuth({ scopes: ['reports:read'] })],
    input: reportInput,
    handler: async (input) => ({ from: input.from, to: input.to }),
  });
`;

const userIdField = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const ordersFind = defineTool({
    name: 'orders_find',
    description: 'Find an order by its id.',
    middlewares: [requireAuth()],
    input: z.object({
      userId: z.string().min(1),
      orderId: z.string().min(1),
    }),
    handler: async ({ orderId }) => ({ orderId }),
  });
`;

// The suggestion's result: the field gone with its whole line.
const userIdFieldRemoved = ts`
  import { defineTool } from '@mcify/core';
  import { requireAuth } from '@mcify/core/middleware';
  import { z } from 'zod';

  export const ordersFind = defineTool({
    name: 'orders_find',
    description: 'Find an order by its id.',
    middlewares: [requireAuth()],
    input: z.object({
      orderId: z.string().min(1),
    }),
    handler: async ({ orderId }) => ({ orderId }),
  });
`;

untypedRuleTester().run('no-identity-in-input', rule, {
  valid: [
    // Business ids and other lookalikes are not identities.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const ordersGet = defineTool({
        name: 'orders_get',
        description: 'One of your orders.',
        input: z.object({ orderId: z.string(), customerId: z.string(), invoiceId: z.string(), clientId: z.string(), subject: z.string() }),
        handler: async (input) => input,
      });
    `,
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      export const workspaceRename = defineTool({
        name: 'workspace_rename',
        description: 'Rename your workspace.',
        input: z.object({ workspaceName: z.string(), userName: z.string(), labelIds: z.array(z.string()) }),
        handler: async (input) => input,
      });
    `,
    // Identity fields in the output schema only: the tool reports who the caller is, from the token.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const meGet = defineTool({
        name: 'me_get',
        description: 'Who you are.',
        middlewares: [requireAuth()],
        input: z.object({}),
        output: z.object({ userId: z.string(), tenantId: z.string() }),
        handler: async (_input, ctx) => ({ userId: String(ctx.auth.claims.sub), tenantId: String(ctx.auth.claims['tenantId']) }),
      });
    `,
    // `.omit` drops the identity field from the input; the full schema is only the output.
    ts`
      import { defineTool } from '@mcify/core';
      import { z } from 'zod';

      const note = z.object({ userId: z.string(), title: z.string(), body: z.string() });

      export const notesCreate = defineTool({
        name: 'notes_create',
        description: 'Create a note.',
        input: note.omit({ userId: true }),
        output: note,
        handler: async (input) => ({ ...input, userId: 'u_1' }),
      });
    `,
    // The analyzer's own suppression comment is honoured.
    ts`
      import { defineTool } from '@mcify/core';
      import { requireAuth } from '@mcify/core/middleware';
      import { z } from 'zod';

      export const adminUsersGet = defineTool({
        name: 'admin_users_get',
        description: 'Support staff: look a user up.',
        middlewares: [requireAuth({ scopes: ['admin:users'] })],
        input: z.object({
          // mcify-audit-ignore mcify/no-identity-in-input -- support tool, gated by the admin scope
          userId: z.string(),
        }),
        handler: async ({ userId }) => ({ userId }),
      });
    `,
    // Untyped: the imported schema cannot be resolved, so nothing is reported (see the typed suite).
    importedSchemaTool,
    // Applying the suggestion leaves nothing to report.
    userIdFieldRemoved,
  ],
  invalid: [
    {
      code: userIdField,
      errors: [
        {
          messageId: 'identityField',
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 30,
          data: { field: 'userId', tool: 'orders_find' },
          suggestions: [{ messageId: 'removeInputField', data: { field: 'userId' }, output: userIdFieldRemoved }],
        },
      ],
    },
    // snake_case on a one-line schema: the property and its comma go, the rest of the line stays.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const invoicesList = defineTool({
          name: 'invoices_list',
          description: 'Invoices of a tenant.',
          input: z.object({ tenant_id: z.string(), limit: z.number().int() }),
          handler: async ({ limit }) => ({ limit }),
        });
      `,
      errors: [
        {
          messageId: 'identityField',
          line: 7,
          column: 21,
          suggestions: [
            {
              messageId: 'removeInputField',
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const invoicesList = defineTool({
                  name: 'invoices_list',
                  description: 'Invoices of a tenant.',
                  input: z.object({  limit: z.number().int() }),
                  handler: async ({ limit }) => ({ limit }),
                });
              `,
            },
          ],
        },
      ],
    },
    // The bare word `workspace`, as the last property of a one-line schema.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const docsSearch = defineTool({
          name: 'docs_search',
          description: 'Search documents.',
          input: z.object({ q: z.string(), workspace: z.string() }),
          handler: async ({ q }) => ({ q }),
        });
      `,
      errors: [
        {
          messageId: 'identityField',
          line: 7,
          column: 36,
          suggestions: [
            {
              messageId: 'removeInputField',
              data: { field: 'workspace' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const docsSearch = defineTool({
                  name: 'docs_search',
                  description: 'Search documents.',
                  input: z.object({ q: z.string(),  }),
                  handler: async ({ q }) => ({ q }),
                });
              `,
            },
          ],
        },
      ],
    },
    // A plural identity field added by `.extend` of a schema variable.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        const paging = z.object({ cursor: z.string().optional() });

        export const teamsList = defineTool({
          name: 'teams_list',
          description: 'List teams.',
          input: paging.extend({
            ownerIds: z.array(z.string()),
          }),
          handler: async () => ({ teams: [] }),
        });
      `,
      errors: [
        {
          messageId: 'identityField',
          line: 10,
          column: 5,
          suggestions: [
            {
              messageId: 'removeInputField',
              data: { field: 'ownerIds' },
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                const paging = z.object({ cursor: z.string().optional() });

                export const teamsList = defineTool({
                  name: 'teams_list',
                  description: 'List teams.',
                  input: paging.extend({
                  }),
                  handler: async () => ({ teams: [] }),
                });
              `,
            },
          ],
        },
      ],
    },
    // One schema shared by two tools: two findings (one per tool), both on the field's line.
    {
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        const byOrg = z.object({
          orgId: z.string(),
          q: z.string(),
        });

        export const projectsSearch = defineTool({ name: 'projects_search', description: 'Search projects.', input: byOrg, handler: async ({ q }) => ({ q }) });
        export const issuesSearch = defineTool({ name: 'issues_search', description: 'Search issues.', input: byOrg, handler: async ({ q }) => ({ q }) });
      `,
      errors: ['projects_search', 'issues_search'].map((tool) => ({
        messageId: 'identityField' as const,
        line: 5,
        column: 3,
        data: { field: 'orgId', tool },
        suggestions: [
          {
            messageId: 'removeInputField' as const,
            output: ts`
              import { defineTool } from '@mcify/core';
              import { z } from 'zod';

              const byOrg = z.object({
                q: z.string(),
              });

              export const projectsSearch = defineTool({ name: 'projects_search', description: 'Search projects.', input: byOrg, handler: async ({ q }) => ({ q }) });
              export const issuesSearch = defineTool({ name: 'issues_search', description: 'Search issues.', input: byOrg, handler: async ({ q }) => ({ q }) });
            `,
          },
        ],
      })),
    },
  ],
});

typedRuleTester().run('no-identity-in-input (typed)', rule, {
  valid: [
    // An imported schema without identity fields.
    {
      filename: 'file.ts',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { periodInput } from './schemas.js';

        export const kpiGet = defineTool({
          name: 'kpi_get',
          description: 'A KPI over a period.',
          input: periodInput,
          handler: async (input) => ({ from: input.from }),
        });
      `,
    },
  ],
  invalid: [
    // The imported schema resolves through the checker: reported on the `input:` line, no suggestion.
    {
      filename: 'file.ts',
      code: importedSchemaTool,
      errors: [{ messageId: 'identityField', line: 9, column: 3, endLine: 9, endColumn: 21, suggestions: [] }],
    },
    // Imported and extended inline: still the `input:` line.
    {
      filename: 'file.ts',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';
        import { reportInput } from './schemas.js';

        export const reportsExport = defineTool({
          name: 'reports_render',
          description: 'Render a report.',
          input: reportInput.extend({ format: z.enum(['pdf', 'csv']) }),
          handler: async (input) => ({ format: input.format }),
        });
      `,
      errors: [{ messageId: 'identityField', line: 8, column: 3, suggestions: [] }],
    },
  ],
});

espreeRuleTester().run('no-identity-in-input (espree, .js)', rule, {
  valid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const membersInvite = defineTool({
          name: 'members_invite',
          description: 'Invite someone to your team.',
          input: z.object({ email: z.string().email(), role: z.enum(['member', 'admin']) }),
          handler: async ({ email }) => ({ invited: email }),
        });
      `,
    },
  ],
  invalid: [
    {
      filename: 'tools.js',
      code: ts`
        import { defineTool } from '@mcify/core';
        import { z } from 'zod';

        export const membersInvite = defineTool({
          name: 'members_invite',
          description: 'Invite someone to a team.',
          input: z.object({
            teamId: z.string(),
            email: z.string().email(),
          }),
          handler: async ({ email }) => ({ invited: email }),
        });
      `,
      errors: [
        {
          messageId: 'identityField',
          line: 8,
          column: 5,
          suggestions: [
            {
              messageId: 'removeInputField',
              output: ts`
                import { defineTool } from '@mcify/core';
                import { z } from 'zod';

                export const membersInvite = defineTool({
                  name: 'members_invite',
                  description: 'Invite someone to a team.',
                  input: z.object({
                    email: z.string().email(),
                  }),
                  handler: async ({ email }) => ({ invited: email }),
                });
              `,
            },
          ],
        },
      ],
    },
  ],
});
