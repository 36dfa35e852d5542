/**
 * `parseFuzzArgs`: every flag of the contract parses into the engine's options and the replay
 * command; every wrong command line is a usage error that says what to type, and never repeats a token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzExitCode, parseFuzzArgs } from '../src/commands/fuzz.js';
import { UsageError } from '../src/usage-error.js';

const folder = mkdtempSync(join(tmpdir(), 'mcify-fuzz-args-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});
const aliceToken = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWFsaWNlLXRva2Vu';
const bobToken = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLW9mLWJvYi10b2tlbi14eA';
writeFileSync(join(folder, 'bob.txt'), `${bobToken}\n`);
const env = { ALICE_TOKEN: aliceToken, EMPTY: '' };
const context = { env, cwd: folder };
const url = ['--url', 'http://127.0.0.1:8080/mcp'];
const two = ['--token', 'alice@acme[orders:read,orders:refund]=env:ALICE_TOKEN', '--token', 'bob@globex=@bob.txt'];

/** The usage error's message for `args`. */
function usageError(args: readonly string[]): string {
  try {
    parseFuzzArgs(args, context);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain(aliceToken);
    expect(message).not.toContain(bobToken);
    return message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('parseFuzzArgs accepts the contract', () => {
  it('in-process with every option', () => {
    const options = parseFuzzArgs(
      ['--config', 'fixtures/servers/orders-vulnerable', '--seed', '42', '--path', 'read-isolation/orders_get:3:1', '--runs', '10', '--timeout', '30', '--exclude-tool', 'profile_get', '--exclude-tool', 'orders_summary', '--format', 'junit', '--output', 'out/fuzz.xml', '--fail-on', 'warning', '--id', 'bob.orderId=ord_globex_2001', '--id', 'bob.orderId=ord_globex_2002', '--public-value', 'USD', '--isolate', 'user', '--harvest-pages', '2', '--max-skew', '30'],
      context,
    );
    expect(options.target).toEqual({ kind: 'config', config: 'fixtures/servers/orders-vulnerable' });
    expect(options.fuzz).toEqual({ seed: 42, replay: 'read-isolation/orders_get:3:1', runs: 10, timeoutMs: 30_000, allowWrites: false, excludeTools: ['profile_get', 'orders_summary'], harvestPages: 2, maxSkewSec: 30 });
    expect(options).toMatchObject({ dryRun: false, format: 'junit', output: 'out/fuzz.xml', failOn: 'warning', isolate: 'user', publicValues: ['USD'], ids: { bob: { orderId: ['ord_globex_2001', 'ord_globex_2002'] } } });
    expect(options.command).toBe(
      "mcify-audit fuzz --config fixtures/servers/orders-vulnerable --isolate user --id bob.orderId=ord_globex_2001 --id bob.orderId=ord_globex_2002 --public-value USD --harvest-pages 2 --max-skew 30",
    );
  });

  it('black-box, tokens from the environment, a file and the command line; the replay command reads them from MCIFY_TOKEN_<NAME>', () => {
    const options = parseFuzzArgs([...url, ...two, '--token', `carol=${'c'.repeat(40)}`, '--source', 'src', '--allow-writes', '--allow-remote', 'mcp.example.com', '--dry-run', '--revoked-token', 'alice=env:ALICE_TOKEN'], context);
    if (options.target.kind !== 'url') throw new Error('not black-box');
    expect(options.target.tokens.map((spec) => [spec.name, spec.tenant, spec.scopes, spec.token.label])).toEqual([
      ['alice', 'acme', ['orders:read', 'orders:refund'], "alice's token"],
      ['bob', 'globex', undefined, "bob's token"],
      ['carol', undefined, undefined, "carol's token"],
    ]);
    expect(options.target.tokens[1]?.token.reveal()).toBe(bobToken);
    expect(options.target).toMatchObject({ url: 'http://127.0.0.1:8080/mcp', source: 'src', allowRemote: ['mcp.example.com'] });
    expect(options.fuzz.allowWrites).toBe(true);
    expect(options.dryRun).toBe(true);
    expect(options.revoked.alice?.label).toBe("alice's revoked token");
    expect(options.revoked.alice?.reveal()).toBe(aliceToken);
    expect(options.command).toBe(
      "mcify-audit fuzz --url http://127.0.0.1:8080/mcp --token 'alice@acme[orders:read,orders:refund]=env:MCIFY_TOKEN_ALICE' --token bob@globex=env:MCIFY_TOKEN_BOB --token carol=env:MCIFY_TOKEN_CAROL --source src --allow-remote mcp.example.com --allow-writes --revoked-token alice=env:MCIFY_REVOKED_TOKEN_ALICE",
    );
    expect(JSON.stringify(options)).not.toContain(aliceToken);
    // Defaults: text, stdout, fail on errors, no seed (the engine draws one and prints it).
    const plain = parseFuzzArgs(['--config', 'mcify.config.ts'], context);
    expect(plain).toMatchObject({ format: 'text', output: undefined, failOn: 'error', dryRun: false, isolate: undefined });
    expect(plain.fuzz).toEqual({ allowWrites: false, excludeTools: [] });
  });
});

describe('parseFuzzArgs refuses, saying what to type', () => {
  it.each([
    [[], /fuzz needs a target: --config mcify\.config\.ts .* or --url http:\/\/127\.0\.0\.1:8080\/mcp --token alice@acme=env:ALICE_TOKEN[\s\S]*usage: mcify-audit fuzz \(--config CONFIG/],
    [['--config', 'a.ts', ...url, ...two], /give --config CONFIG \(in-process\) or --url URL \(black-box\), not both/],
    [['fixtures/servers/orders'], /fuzz takes no PATH \(got "fixtures\/servers\/orders"\): give the server with --config CONFIG/],
    [[...url], /--url needs a --token per principal, in at least two tenants/],
    [[...url, '--token', 'alice@acme=env:ALICE_TOKEN'], /needs principals in at least two tenants .* only one --token was given/],
    [[...url, '--token', 'alice@acme=env:ALICE_TOKEN', '--token', 'carol@acme=@bob.txt'], /all 2 principals are in tenant acme/],
    [[...url, '--token', 'alice=env:EMPTY', '--token', 'bob=@bob.txt'], /environment variable EMPTY, which is not set or empty; export EMPTY=<token> first/],
    [[...url, '--token', 'alice=@missing.txt', '--token', 'bob=@bob.txt'], /read from the file missing\.txt, which does not exist/],
    [[...url, '--token', 'alice=Bearer x', '--token', 'bob=@bob.txt'], /contains a space|without the "Bearer " prefix/],
    [[...url, '--token', `alice@acme=${aliceToken}`, '--token', `bob@globex=${aliceToken}`], /alice and bob have the same token/],
    [['--config', 'a.ts', '--token', 'alice=env:ALICE_TOKEN'], /--token is for --url targets: with --config, the principals and their tokens come from the config's mcifyAudit hook/],
    [['--config', 'a.ts', '--source', 'src'], /--source is for --url targets/],
    [['--config', 'a.ts', '--allow-remote', 'example.com'], /--allow-remote is for --url targets/],
    [['--config', 'a.ts', '--format', 'xml'], /--format must be one of text, json, sarif, junit, markdown, html; got "xml"/],
    [['--config', 'a.ts', '--fail-on', 'info'], /--fail-on must be one of error, warning, never; got "info"/],
    [['--config', 'a.ts', '--seed', '-1'], /Option '--seed' argument is ambiguous[\s\S]*use '--seed=-XYZ'/],
    [['--config', 'a.ts', '--seed=-1'], /--seed must be a whole number from 0 to 2147483647/],
    [['--config', 'a.ts', '--seed', '1.5'], /--seed must be a whole number/],
    [['--config', 'a.ts', '--runs', '0'], /--runs must be a whole number from 1 to 1000000, e\.g\. --runs 25; got "0"/],
    [['--config', 'a.ts', '--timeout', 'soon'], /--timeout is a number of seconds above 0, e\.g\. --timeout 60; got "soon"/],
    [['--config', 'a.ts', '--timeout', '0'], /--timeout is a number of seconds above 0/],
    [['--config', 'a.ts', '--max-skew=-5'], /--max-skew is a number of seconds, e\.g\. --max-skew 60/],
    [['--config', 'a.ts', '--harvest-pages', 'many'], /--harvest-pages must be a whole number from 0 to 1000/],
    [['--config', 'a.ts', '--path', 'read-isolation/orders_get:1'], /--path replays one case of a run: give the run's --seed too/],
    [['--config', 'a.ts', '--seed', '1', '--path', 'reads/orders_get:1'], /"reads" is not a property/],
    [['--config', 'a.ts', '--seed', '1', '--path', 'read-isolation/orders_get:x'], /numbers separated by ":"/],
    [['--config', 'a.ts', '--isolate', 'org'], /--isolate must be tenant .* or user/],
    [['--config', 'a.ts', '--id', 'bob=ord_1'], /--id is PRINCIPAL\.FIELD=VALUE, .* e\.g\. --id bob\.orderId=ord_globex_2001; got "bob=ord_1"/],
    [[...url, ...two, '--id', 'dave.orderId=ord_1'], /--id names dave, who has no --token; the principals are alice, bob/],
    [[...url, ...two, '--revoked-token', 'alice@acme=env:ALICE_TOKEN'], /--revoked-token is NAME=TOKEN with NAME a principal's name/],
    [[...url, ...two, '--revoked-token', 'dave=env:ALICE_TOKEN'], /--revoked-token names dave, who has no --token/],
    [['--config', 'a.ts', '--public-value', ''], /--public-value needs a value/],
    [['--config', 'a.ts', '--frobnicate'], /Unknown option '--frobnicate'[\s\S]*usage: mcify-audit fuzz/],
    [['--config'], /Option '--config <value>' argument missing[\s\S]*usage: mcify-audit fuzz/],
  ] as const)('%j', (args, expected) => {
    expect(usageError(args)).toMatch(expected);
  });

  it('never echoes a token, even a mistyped one', () => {
    const message = usageError([...url, '--token', `al ice=${aliceToken}`, '--token', 'bob=@bob.txt']);
    expect(message).toMatch(/the principal's name must be/);
  });
});

describe('fuzzExitCode', () => {
  const summary = (errors: number, warnings: number) => ({ summary: { files: 0, tools: 1, errors, warnings, held: 1, failed: 0, notExercised: 3, notApplicable: 0 } });
  it('is 1 on findings at or above --fail-on, else 0; checks not exercised alone never fail the run', () => {
    expect(fuzzExitCode(summary(1, 0), 'error')).toBe(1);
    expect(fuzzExitCode(summary(0, 2), 'error')).toBe(0);
    expect(fuzzExitCode(summary(0, 2), 'warning')).toBe(1);
    expect(fuzzExitCode(summary(3, 2), 'never')).toBe(0);
    expect(fuzzExitCode(summary(0, 0), 'warning')).toBe(0);
  });
});
