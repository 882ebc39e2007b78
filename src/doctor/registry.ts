/**
 * Every doctor check, in the order their findings list within a severity. Add a check by writing it
 * in checks/ and listing it here.
 */
import type { Check } from './check.js';
import { cgroupLimit } from './checks/cgroupLimit.js';
import { diskDeletedOpen } from './checks/diskDeletedOpen.js';
import { diskInodes } from './checks/diskInodes.js';
import { diskLogs } from './checks/diskLogs.js';
import { diskUsage } from './checks/diskUsage.js';
import { leakHistory } from './checks/leakHistory.js';
import { linkUtilisation } from './checks/linkUtilisation.js';
import { memoryAvailable } from './checks/memoryAvailable.js';
import { oomKills } from './checks/oomKills.js';
import { sendQueues } from './checks/sendQueues.js';
import { swapPressure } from './checks/swapPressure.js';
import { tcpRetransmits } from './checks/tcpRetransmits.js';
import { topResident } from './checks/topResident.js';
import { topTalker } from './checks/topTalker.js';
import { unshapedLink } from './checks/unshapedLink.js';

export const CHECKS: readonly Check[] = [
  memoryAvailable,
  swapPressure,
  cgroupLimit,
  oomKills,
  leakHistory,
  topResident,
  diskUsage,
  diskDeletedOpen,
  diskLogs,
  diskInodes,
  linkUtilisation,
  topTalker,
  unshapedLink,
  tcpRetransmits,
  sendQueues,
];
