export * from './auth-service.ts';
export * from './passwords.ts';
export * from './principal.ts';
