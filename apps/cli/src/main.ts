import { runCli } from './cli.ts';
import { processIo } from './io.ts';

// exitCode rather than exit(): output still being written to a pipe is not cut off.
process.exitCode = await runCli(process.argv.slice(2), processIo);
