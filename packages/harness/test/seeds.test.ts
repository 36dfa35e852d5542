import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellParameters, cellSeed, parseReproducePath, ReplayPathError, reproducePath } from '../src/engine/seeds.js';
import { propertyIds } from '../src/engine/types.js';

describe('cell seeds', () => {
  it('are a pure function of the run seed, the property and the tool, and differ between cells', () => {
    expect(cellSeed(1, 'read-isolation', 'orders_get')).toBe(cellSeed(1, 'read-isolation', 'orders_get'));
    const seeds = new Set([cellSeed(1, 'read-isolation', 'orders_get'), cellSeed(2, 'read-isolation', 'orders_get'), cellSeed(1, 'write-isolation', 'orders_get'), cellSeed(1, 'read-isolation', 'orders_list'), cellSeed(1, 'read-isolation', null)]);
    expect(seeds.size).toBe(5);
    for (const seed of seeds) expect(seed).toBeGreaterThanOrEqual(0);
    for (const seed of seeds) expect(seed).toBeLessThanOrEqual(0x7fffffff);
  });
});

describe('replay paths', () => {
  it('round-trip every property, tool (or *) and fast-check path, colons included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...propertyIds), fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), { nil: null }), fc.array(fc.nat(500), { minLength: 1, maxLength: 6 }), (property, tool, steps) => {
        const path = steps.join(':');
        expect(parseReproducePath(reproducePath(property, tool, path))).toEqual({ property, tool, path });
      }),
    );
    expect(parseReproducePath('read-isolation/orders_list:4:2')).toEqual({ property: 'read-isolation', tool: 'orders_list', path: '4:2' });
    expect(parseReproducePath('authentication/*:106')).toEqual({ property: 'authentication', tool: null, path: '106' });
  });

  it.each([
    ['no property', 'orders_get:1', /is <property>\/<tool>:<fast-check path>/],
    ['an unknown property', 'reads/orders_get:1', /"reads" is not a property/],
    ['no tool', 'read-isolation/:1', /is <property>\/<tool>:<fast-check path>/],
    ['a path that is not numbers', 'read-isolation/orders_get:1:x', /must be numbers separated by ":"/],
  ])('refuse %s, saying the form', (_what, text, message) => {
    expect(() => parseReproducePath(text)).toThrow(ReplayPathError);
    expect(() => parseReproducePath(text)).toThrow(message);
  });
});

describe('cell parameters', () => {
  const options = { seed: 5, runs: 40, replay: undefined };
  it('give the cell its seed and the run count, and stop at the first failure when not shrinking', () => {
    expect(cellParameters(options, 'read-isolation', 'orders_get')).toEqual({ seed: cellSeed(5, 'read-isolation', 'orders_get'), numRuns: 40 });
    expect(cellParameters(options, 'write-isolation', 'orders_cancel', { shrink: false })).toMatchObject({ endOnFailure: true });
  });

  it('replay exactly the case of the path on its cell only, and fast-check reaches that case', () => {
    const replay = { property: 'read-isolation' as const, tool: 'orders_get', path: '3' };
    expect(cellParameters({ ...options, replay }, 'read-isolation', 'orders_list')).not.toHaveProperty('path');
    const parameters = cellParameters({ ...options, replay }, 'read-isolation', 'orders_get');
    expect(parameters).toMatchObject({ path: '3', endOnFailure: true });
    // Find a failing case with the cell's seed, then replay its path: the first value tried is the counterexample.
    const found = fc.check(fc.property(fc.nat(1000), (value) => value < 700), cellParameters(options, 'read-isolation', 'orders_get'));
    expect(found.failed).toBe(true);
    const seen: number[] = [];
    fc.check(
      fc.property(fc.nat(1000), (value) => {
        seen.push(value);
        return value < 700;
      }),
      cellParameters({ ...options, replay: { ...replay, path: found.counterexamplePath ?? '' } }, 'read-isolation', 'orders_get'),
    );
    expect(seen[0]).toBe(found.counterexample?.[0]);
  });
});
