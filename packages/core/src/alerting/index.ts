export * from './reduce.ts';
export * from './compare.ts';
export * from './rule.ts';
export * from './alert-machine.ts';
export * from './template.ts';
export * from './backtest.ts';
export * from './locations.ts';
