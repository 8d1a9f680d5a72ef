/** An error whose message is the whole story for the operator: printed as is, no stack. */
export class FatalError extends Error {
  override name = 'FatalError';
}
