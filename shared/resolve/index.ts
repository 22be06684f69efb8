/** Conflict resolution: pure, shared by main (apply) and the renderer (preview). */
export * from './types';
export * from './merge';
export * from './conflict';
export * from './strategies';
export * from './preview';
export * from './rules';
export * from './defaults';
export * from './saved-rules';
export * from './stale';
export * from './remembered';
