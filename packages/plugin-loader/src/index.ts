export { loadPlugins, type LoadedPlugin, type PluginFailure, type PluginSet, type PluginType } from './load-plugins.ts';
