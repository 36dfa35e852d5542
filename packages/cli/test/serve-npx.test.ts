/**
 * The `serve` recipe of docs/cli.md as a user runs it: `npx mcify-audit serve CONFIG`, stopped with
 * Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or SIGTERM to the `npx` process
 * alone (`kill $!`, a supervisor). npx runs the command under `sh -c`, and neither npm nor the shell
 * passes SIGTERM on: the server must stop anyway, and leave no process and no open port behind.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-cli.js';

const documentedCommand = ['mcify-audit', 'serve', 'fixtures/servers/orders'];

/** `pid` and the parent of every process, from /proc. */
function processTable(): Map<number, { ppid: number; state: string; command: string }> {
  const table = new Map<number, { ppid: number; state: string; command: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last `)`.
      const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(entry), { ppid: Number(ppid), state, command });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** Every process below `root`, with its command line. */
function descendants(root: number): { pid: number; command: string }[] {
  const table = processTable();
  const found: { pid: number; command: string }[] = [];
  const visit = (parent: number) => {
    for (const [pid, entry] of table) {
      if (entry.ppid !== parent) continue;
      found.push({ pid, command: entry.command });
      visit(pid);
    }
  };
  visit(root);
  return found;
}

/** Whether a process still runs (a zombie has ended: it waits only to be reaped). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether something accepts connections on the port. */
async function listening(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await Promise.race([once(socket, 'connect'), once(socket, 'error').then(([error]: unknown[]) => Promise.reject(error as Error))]);
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

let started: ChildProcessByStdio<null, Readable, Readable> | undefined;
let leftovers: number[] = [];
afterEach(() => {
  // Whatever a failed test left running.
  for (const pid of leftovers.filter(running)) process.kill(pid, 'SIGKILL');
  if (started?.exitCode === null) started.kill('SIGKILL');
  started = undefined;
  leftovers = [];
});

describe('the documented `npx mcify-audit serve` stops cleanly', () => {
  it('is the command and the stop of the recipe in docs/cli.md', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## `serve`'));
    const recipe = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(recipe).toContain(`npx ${documentedCommand.join(' ')} > server.json &\nserver=$!\n`);
    expect(recipe.trimEnd().endsWith('kill "$server"')).toBe(true);
  });


  // SIGINT to npx alone is not among them: npm ignores it and waits for its child, as it does for any
  // command, trusting the terminal to interrupt the whole group (docs/cli.md says to use SIGTERM).
  it.each([
    { stop: 'Ctrl-C (SIGINT to the process group)', signal: 'SIGINT' as const, group: true },
    { stop: 'SIGTERM to npx (kill $!)', signal: 'SIGTERM' as const, group: false },
  ])('on $stop: npx exits, no server process is left, the port closes', async ({ signal, group }) => {
    // Its own process group, as a shell's job: the group's id is npx's pid.
    const npx = spawn('npx', documentedCommand, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    started = npx;
    let stderr = '';
    npx.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const pid = npx.pid ?? 0;
    const lines = createInterface({ input: npx.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    const port = Number(new URL(url).port);
    expect(await listening(port)).toBe(true);
    const below = descendants(pid);
    leftovers = below.map((entry) => entry.pid);
    // npx runs the command in a shell: the server is not npx's own child.
    expect(below.some((entry) => entry.command.includes('mcify-audit serve fixtures/servers/orders') && entry.command.startsWith('node '))).toBe(true);

    const exited = once(npx, 'exit');
    process.kill(group ? -pid : pid, signal);
    await exited;
    // The server closes within a few seconds of its wrapper: the database and the identity provider too.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && leftovers.some(running)) await sleep(100);
    expect(below.filter((entry) => running(entry.pid)), stderr).toEqual([]);
    expect(await listening(port)).toBe(false);
  }, 60_000);
});
