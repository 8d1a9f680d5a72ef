import type { Io } from './io.ts';

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CommandModule {
  run(args: CommandArgs, io: Io): Promise<number>;
}
