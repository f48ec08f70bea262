import type { Logger } from 'pino';
import type { LimitsConfig } from '../../config';
import { MemoryBudgetStore, type BudgetStore } from './budget-store';
import { PostgresBudgetStore } from './postgres-budget-store';
import { RedisBudgetStore } from './redis-budget-store';

/** The store RATE_LIMIT_STORE names (docs/limits.md, "Shared by every instance"). */
export function createBudgetStore(limits: LimitsConfig, servingUrl: string, logger: Logger): BudgetStore {
  const bucketLimits = { capacity: limits.budget, leakPerSecond: limits.leakPerSecond, maxBuckets: limits.maxBuckets };
  switch (limits.store.kind) {
    case 'memory':
      return new MemoryBudgetStore(bucketLimits);
    case 'postgres':
      return new PostgresBudgetStore({ url: servingUrl, limits: bucketLimits, poolMax: limits.store.poolMax, logger });
    case 'redis':
      return new RedisBudgetStore({ url: limits.store.url, limits: bucketLimits, logger });
  }
}
