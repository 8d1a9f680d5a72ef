import type { Logger } from '@vigia/core';

/** Plugin loading logs for a long-running process; the CLI reports what matters itself. */
export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
