/** hog's library surface: `import { profile } from 'hog'` (see src/profiler/profile.ts). */
export { writeSnapshot } from './inspector/inProcessSnapshot.js';
export { profile } from './profiler/profile.js';

export const version = '0.1.0';
