export * from './services.ts';
export { configFile, configProblems, loadYamlConfig, yamlConfigProblems } from '@vigia/config/testing';
export { STORE_KINDS, createPostgresDatabase, createTestStore, type StoreKind, type TestDatabase } from '@vigia/db/testing';
export * from './redis.ts';
export * from './wait.ts';
export * from './free-port.ts';
export * from './smtp-sink.ts';
export * from './http-receiver.ts';
export * from './tcp-proxy.ts';
