import { runCli } from './cli.ts';
import { processIo } from './io.ts';

// `vigia token list | head -1`: a reader that stops early is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// exitCode rather than exit(): output still being written to a pipe is not cut off.
process.exitCode = await runCli(process.argv.slice(2), processIo);
