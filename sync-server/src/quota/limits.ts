// What each plan holds. The numbers come from the configuration (its defaults are the plans' defaults).
import type { UserTier } from '@heimdex/shared-schema';
import type { QuotaLimit } from '@heimdex/shared-schema/protocol';
import { loadConfig, type Config } from '../config.ts';

export type TierQuotas = Record<UserTier, Record<QuotaLimit, number>>;

export function tierQuotasFromConfig(config: Config): TierQuotas {
  return {
    FREE: { scenes: config.QUOTA_FREE_SCENES, blobBytes: config.QUOTA_FREE_BLOB_BYTES },
    PRO: { scenes: config.QUOTA_PRO_SCENES, blobBytes: config.QUOTA_PRO_BLOB_BYTES },
    ENTERPRISE: { scenes: config.QUOTA_ENTERPRISE_SCENES, blobBytes: config.QUOTA_ENTERPRISE_BLOB_BYTES },
  };
}

export const DEFAULT_TIER_QUOTAS: TierQuotas = tierQuotasFromConfig(loadConfig({}));
