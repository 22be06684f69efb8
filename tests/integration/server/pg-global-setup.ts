import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './pg-cluster';

/**
 * vitest globalSetup of the `integration-pg` project: one throwaway
 * PostgreSQL cluster for the whole run (each server under test gets a schema
 * of its own in it, see helpers.ts), stopped at the end.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    serverStorage: 'sqlite' | 'postgres';
  }
}

let cluster: Cluster | undefined;

export function setup(project: TestProject): void {
  cluster = startCluster();
  project.provide('pgUrl', cluster.url);
}

export function teardown(): void {
  cluster?.stop();
}
