import type { VisitorStore } from './types';

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  now?: () => number;
}

/** The PostgreSQL backend arrives with its tests in the next change. */
export async function openPostgresStore(_options: PostgresStoreOptions): Promise<VisitorStore> {
  throw new Error('PostgreSQL storage is not available in this build');
}
