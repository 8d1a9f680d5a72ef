// Plugin configs take durations the way monitoring.yaml does ("30s", "5m"); core owns the parser.
export { parseDuration } from '@vigia/core';
