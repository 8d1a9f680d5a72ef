import { z } from 'zod';
import { LABEL_NAME, METRIC_NAME } from '@vigia/core';

// The value types live in core so hosts share them without depending on the plugin contract;
// plugin authors keep importing everything from here.
export { LABEL_NAME, METRIC_NAME, metricType, type MetricDescriptor, type MetricType, type Sample } from '@vigia/core';
export type { LogFields, Logger, Severity } from '@vigia/core';

export const sampleSchema = z.object({
  name: z.string().regex(METRIC_NAME, 'must match [a-zA-Z_:][a-zA-Z0-9_:]*').max(200),
  value: z.number().finite(),
  labels: z
    .record(
      z
        .string()
        .regex(LABEL_NAME, 'label names must match [a-zA-Z_][a-zA-Z0-9_]*')
        .refine((k) => !k.startsWith('__'), 'label names starting with __ are reserved'),
      z.string().max(1024),
    )
    .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels')
    .optional(),
  unit: z.string().max(32).optional(),
  timestamp: z.number().int().positive().optional(),
});
