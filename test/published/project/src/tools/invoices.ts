/** The organisation's invoices at the ledger (an upstream API), called with the organisation's own key. */
import { defineTool } from '@mcify/core';
import { requireAuth } from '@mcify/core/middleware';
import { z } from 'zod';
import { ledgerAccessOf, saveLedgerKey } from '../caller.js';

const LEDGER = 'https://ledger.example/v1';

const invoice = z.object({ id: z.string(), number: z.string(), totalCents: z.number().int(), status: z.string() });

export const invoicesList = defineTool({
  name: 'invoices_list',
  description: "Your organisation's invoices at the ledger.",
  middlewares: [requireAuth()],
  input: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/) }),
  output: z.object({ invoices: z.array(invoice) }),
  handler: async (input, ctx) => {
    const ledger = ledgerAccessOf(ctx);
    const headers = { authorization: `Bearer ${ledger.apiKey}`, accept: 'application/json' };
    // expect: mcify/no-secret-in-logs (invoices_list) -- the organisation's ledger key, in the logs
    ctx.logger.debug('ledger_request', { path: '/invoices', authorization: headers.authorization });
    // ok: mcify/scoped-queries (the organisation's own ledger key)
    const response = await ctx.fetch(`${LEDGER}/invoices?month=${input.month}`, { headers, signal: ctx.signal });
    return { invoices: ((await response.json()) as { data: z.infer<typeof invoice>[] }).data };
  },
});

export const invoiceSend = defineTool({
  name: 'invoice_send',
  description: 'Email an invoice to the customer it was issued to.',
  middlewares: [requireAuth()],
  input: z.object({
    // ok: mcify/no-identity-in-input, mcify/no-credential-in-input (business-object ids and the customer's data, not the caller's identity)
    invoiceId: z.string(),
    customerId: z.string(),
    customerEmail: z.string().email(),
    customerTaxId: z.string(),
  }),
  output: z.object({ sent: z.boolean() }),
  handler: async (input, ctx) => {
    const ledger = ledgerAccessOf(ctx);
    // ok: mcify/scoped-queries
    const response = await ctx.fetch(`${LEDGER}/invoices/${input.invoiceId}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ledger.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: input.customerId, to: input.customerEmail, taxId: input.customerTaxId }),
    });
    // ok: mcify/no-pii-in-logs
    ctx.logger.info('invoice_sent', { invoiceId: input.invoiceId, status: response.status });
    // expect: mcify/no-pii-in-logs (invoice_send) -- a customer's email, unhashed
    ctx.logger.debug('invoice_recipient', { invoiceId: input.invoiceId, email: input.customerEmail });
    return { sent: response.ok };
  },
});

export const ledgerConnect = defineTool({
  name: 'ledger_connect',
  description: "Connect your organisation's ledger account.",
  middlewares: [requireAuth()],
  input: z.object({
    // expect: mcify/no-credential-in-input (ledger_connect) -- the ledger key belongs in the server-side store
    apiKey: z.string().min(20),
  }),
  output: z.object({ connected: z.boolean() }),
  handler: (input, ctx) => {
    saveLedgerKey(ctx, input.apiKey);
    return { connected: true };
  },
});

// expect: mcify/require-scope-check (invoices_void) -- the predicate only checks how the caller signed in
export const invoicesVoid = defineTool({
  name: 'invoices_void',
  description: 'Void an invoice that was issued by mistake.',
  middlewares: [requireAuth({ predicate: (auth) => auth.type === 'oauth_provider' })],
  input: z.object({ invoiceId: z.string() }),
  output: z.object({ voided: z.boolean() }),
  handler: async (input, ctx) => {
    const ledger = ledgerAccessOf(ctx);
    const response = await ctx.fetch(`${LEDGER}/invoices/${input.invoiceId}/void`, { method: 'POST', headers: { authorization: `Bearer ${ledger.apiKey}` } });
    return { voided: response.ok };
  },
});

/** The ledger's search filters, as its API lists them: the schema is built from the list at run time. */
const searchFilters = ['number', 'customerName', 'accountId'] as const;

// expect(load): mcify/no-identity-in-input (invoices_search) -- "accountId" is a filter only a loaded schema shows
export const invoicesSearch = defineTool({
  name: 'invoices_search',
  description: "Search your organisation's invoices.",
  middlewares: [requireAuth()],
  input: z.object(Object.fromEntries(searchFilters.map((name) => [name, z.string().optional()]))),
  output: z.object({ invoices: z.array(invoice) }),
  handler: async (input, ctx) => {
    const ledger = ledgerAccessOf(ctx);
    const query = new URLSearchParams(Object.entries(input).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const response = await ctx.fetch(`${LEDGER}/invoices/search?${query.toString()}`, { headers: { authorization: `Bearer ${ledger.apiKey}` } });
    return { invoices: ((await response.json()) as { data: z.infer<typeof invoice>[] }).data };
  },
});

export const invoiceTools = [invoicesList, invoiceSend, ledgerConnect, invoicesVoid, invoicesSearch];
