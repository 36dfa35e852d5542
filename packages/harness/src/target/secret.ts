import { inspect } from 'node:util';

/**
 * A credential that does not show itself: `String()`, template strings, `JSON.stringify` and
 * `util.inspect` (so `console.log`) all give its label, e.g. `alice's token`. Only {@link Secret.reveal}
 * returns the value, for the one place that puts it on the wire.
 */
export class Secret {
  readonly #value: string;
  /** What the secret is, safe to print: `alice's token`. */
  readonly label: string;

  constructor(label: string, value: string) {
    this.label = label;
    this.#value = value;
  }

  /** The value itself. Call it only to build a request header; never log the result. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return this.label;
  }

  toJSON(): string {
    return this.label;
  }

  [Symbol.toPrimitive](): string {
    return this.label;
  }

  [inspect.custom](): string {
    return `Secret(${this.label})`;
  }
}
