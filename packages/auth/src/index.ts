export * from './auth-service.ts';
export * from './passwords.ts';
export * from './principal.ts';
export * from './action-link.ts';
export * from './bootstrap.ts';
