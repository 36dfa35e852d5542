import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig, defineTool, none } from '@mcify/core';
import { serveNode, type RunningServer } from '@mcify/runtime';
import { mcpHeaders, postRpc, toolCall } from './support/rpc.js';

/** A tool that waits up to `waitMs` for its signal and reports when (and whether) it aborted. */
function waitingTool(seen: { abortedAfterMs?: number }) {
  return defineTool({
    name: 'wait',
    input: z.object({ waitMs: z.number().int().max(5000) }),
    handler: async ({ waitMs }, ctx) => {
      const started = Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        ctx.signal.addEventListener('abort', () => {
          seen.abortedAfterMs = Date.now() - started;
          clearTimeout(timer);
          resolve();
        });
      });
      return 'finished';
    },
  });
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('ctx.signal', () => {
  it('aborts when the client goes away', async () => {
    const seen: { abortedAfterMs?: number } = {};
    server = await serveNode(defineConfig({ name: 's', version: '1', auth: none(), tools: [waitingTool(seen)] }), { logging: { level: 'error' } });
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 150);
    const request = fetch(server.url, { method: 'POST', signal: controller.signal, headers: mcpHeaders, body: JSON.stringify(toolCall('wait', { waitMs: 3000 })) });
    await expect(request).rejects.toThrow();
    await expect.poll(() => seen.abortedAfterMs, { timeout: 2000 }).toBeDefined();
    expect(seen.abortedAfterMs).toBeLessThan(1500);
  });

  it('aborts when the call times out, and the call answers a tool error', async () => {
    const seen: { abortedAfterMs?: number } = {};
    server = await serveNode(defineConfig({ name: 's', version: '1', auth: none(), tools: [waitingTool(seen)] }), {
      toolTimeoutMs: 100,
      logging: { level: 'error' },
    });
    const reply = await postRpc(server.url, toolCall('wait', { waitMs: 3000 }));
    expect(reply.status).toBe(200);
    expect(reply.body?.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^Tool wait was cancelled or timed out \(reference [0-9a-f-]{36}\)\.$/) as string }] });
    expect(seen.abortedAfterMs).toBeGreaterThanOrEqual(90);
    const quick = await postRpc(server.url, toolCall('wait', { waitMs: 10 }));
    expect(quick.body?.result).toMatchObject({ content: [{ type: 'text', text: 'finished' }] });
  });
});
