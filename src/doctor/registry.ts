/**
 * Every doctor check, in the order their findings list within a severity. Add a check by writing it
 * in checks/ and listing it here.
 */
import type { Check } from './check.js';
import { cgroupLimit } from './checks/cgroupLimit.js';
import { leakHistory } from './checks/leakHistory.js';
import { memoryAvailable } from './checks/memoryAvailable.js';
import { oomKills } from './checks/oomKills.js';
import { swapPressure } from './checks/swapPressure.js';
import { topResident } from './checks/topResident.js';

export const CHECKS: readonly Check[] = [
  memoryAvailable,
  swapPressure,
  cgroupLimit,
  oomKills,
  leakHistory,
  topResident,
];
