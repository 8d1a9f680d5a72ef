export type Severity = 'info' | 'warning' | 'critical' | 'emergency';
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3, emergency: 4 };
