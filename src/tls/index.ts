export * from './key-stores.js';
