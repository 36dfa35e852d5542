/** A command line the CLI cannot act on. Exit code 2, with a message that says what to type instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
