import 'reflect-metadata';

/** Re-exported so plugin classes get tsyringe's decorators after the metadata polyfill is loaded. */
export { inject, injectable } from 'tsyringe';

export * from './batcher.js';
export * from './checkpoints.js';
export * from './clock.js';
export * from './config.js';
export * from './container.js';
export * from './errors.js';
export * from './events.js';
export * from './folder/index.js';
export * from './http/index.js';
export * from './logger.js';
export * from './pipeline.js';
export * from './plugin.js';
export * from './progress.js';
export * from './record.js';
export * from './registry.js';
export * from './runner.js';
export * from './sinks/stdout.js';
export * from './statistics.js';
export * from './tokens.js';
