export * from './errcodes.js';
export * from './rid.js';
export * from './envelope.js';
export * from './check.js';
