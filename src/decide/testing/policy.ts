// The decision policy of the configuration's defaults, derived as production derives it (policyFromConfig):
// what tests, benchmarks and scripts run with, so that there is no second set of defaults to drift.
import { loadConfig } from '../../config/index.js';
import { policyFromConfig, type DecisionPolicy } from '../policy.js';

/** An empty environment: every key at its default, no config file. */
export const DEFAULT_CONFIG_POLICY: DecisionPolicy = policyFromConfig(loadConfig({}));
