import 'reflect-metadata';

export * from './checkpoints.js';
export * from './clock.js';
export * from './container.js';
export * from './errors.js';
export * from './events.js';
export * from './logger.js';
export * from './plugin.js';
export * from './record.js';
export * from './statistics.js';
export * from './tokens.js';
