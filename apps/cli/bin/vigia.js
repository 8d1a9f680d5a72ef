#!/usr/bin/env node
// The CLI is TypeScript like the rest of Vigia and is not built: tsx's loader (what
// `node --import tsx` installs) compiles it as it is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
