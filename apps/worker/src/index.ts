export { startWorker, type RunningWorker, type WorkerDeps } from './worker.ts';
export { loadPlugins, type PluginSet, type LoadedPlugin } from './plugin-loader.ts';

