/**
 * Every doctor check, in the order their findings list within a severity. Add a check by writing it
 * in checks/ and listing it here.
 */
import type { Check } from './check.js';
import { cgroupLimit } from './checks/cgroupLimit.js';
import { leakHistory } from './checks/leakHistory.js';
import { linkUtilisation } from './checks/linkUtilisation.js';
import { memoryAvailable } from './checks/memoryAvailable.js';
import { oomKills } from './checks/oomKills.js';
import { sendQueues } from './checks/sendQueues.js';
import { swapPressure } from './checks/swapPressure.js';
import { tcpRetransmits } from './checks/tcpRetransmits.js';
import { topResident } from './checks/topResident.js';
import { topTalker } from './checks/topTalker.js';

export const CHECKS: readonly Check[] = [
  memoryAvailable,
  swapPressure,
  cgroupLimit,
  oomKills,
  leakHistory,
  topResident,
  linkUtilisation,
  topTalker,
  tcpRetransmits,
  sendQueues,
];
