export * from './schema';
export * from './defaults';
export * from './migrations';
export * from './table-layout';
