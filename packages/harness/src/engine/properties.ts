/**
 * The properties a run checks, in the order it runs them ({@link propertyIds}: authentication, read
 * isolation, sessions, scope enforcement, write isolation, stateful sequences; server hygiene last,
 * reading what its monitor saw of every exchange), and the harvest they run on.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExchangeLog } from '../client/exchange-log.js';
import { createAuthenticationProperty } from '../properties/authentication.js';
import { readIsolation } from '../properties/read-isolation.js';
import { createScopeEnforcementProperty } from '../properties/scope-enforcement.js';
import { createSessionsProperty } from '../properties/sessions.js';
import { stateful } from '../properties/stateful.js';
import { writeIsolation } from '../properties/write-isolation.js';
import { createHygieneMonitor, serverHygieneProperty } from '../properties/server-hygiene.js';
import { harvestAll } from './harvest.js';
import type { Harvest, Property } from './property.js';
import type { EngineContext } from './run-context.js';
import { propertyIds, type FuzzTarget } from './types.js';

/** What a run is made of: the harvest, the properties, and the passive monitor attached before any request. */
export interface FuzzEngine {
  /** The properties, in run order (the orchestrator runs reads, then writes, then server-hygiene). */
  readonly properties: readonly Property[];
  harvest(context: EngineContext): Promise<Harvest>;
  /** Attaches the hygiene monitor to the run's log; its property joins the run's properties. */
  monitor?(target: FuzzTarget, log: ExchangeLog): { readonly property: Property; detach?(): void };
}

/** A property with something to do after its cells (authentication aggregates its findings over tools). */
export interface FinishingProperty extends Property {
  finish(context: import('./property.js').RunContext): Promise<void>;
}

export function isFinishing(property: Property): property is FinishingProperty {
  return typeof (property as Partial<FinishingProperty>).finish === 'function';
}

/** Every property module of this build, fresh (their per-run state is their own), in {@link propertyIds} order. */
export function fuzzProperties(): Property[] {
  const modules: Property[] = [createAuthenticationProperty(), readIsolation, createSessionsProperty(), createScopeEnforcementProperty(), writeIsolation, stateful];
  const order = (property: Property) => propertyIds.indexOf(property.id);
  return modules.sort((a, b) => order(a) - order(b));
}

/** The folders whose absolute paths an answer must not name: the config's folder and its project's root. */
function serverPathsOf(target: FuzzTarget): string[] {
  const configFile = target.source?.configFile;
  if (target.mode !== 'in-process' || configFile === undefined) return [];
  const folder = dirname(configFile);
  const paths = [folder];
  for (let directory = dirname(folder); directory !== dirname(directory); directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) {
      paths.push(directory);
      break;
    }
  }
  return paths;
}

/** The engine of a full run: {@link fuzzProperties}, the harvest, and the server-hygiene monitor. */
export function fuzzEngine(): FuzzEngine {
  return {
    properties: fuzzProperties(),
    harvest: (context) => harvestAll(context),
    monitor(target, log) {
      const monitor = createHygieneMonitor({ target, serverPaths: serverPathsOf(target) });
      const detach = monitor.attach(log);
      return { property: serverHygieneProperty(monitor), detach };
    },
  };
}
