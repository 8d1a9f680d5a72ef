/** The command line itself is wrong (unknown command, missing argument): exit 2, with a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose --help to point at, such as `token create`; empty for the top level. */
    readonly command = '',
  ) {
    super(message);
  }
}

/** The command ran and could not do its job (no such user, database locked): exit 1, message only. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
