import type { LogFields, Logger } from '@vigia/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface AppLogger extends Logger {
  child(scope: string): AppLogger;
}

function render(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
    out += ` ${k}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return out;
}

/**
 * One line per event, `time level [scope] message key=value`, on stderr. Callers pass fields,
 * never whole config objects, so secrets do not reach the log.
 */
export function createLogger(scope: string, level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): AppLogger {
  const min = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    write(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} [${scope}] ${message}${render(fields)}\n`);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (sub) => createLogger(`${scope}:${sub}`, level, write),
  };
}
