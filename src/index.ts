/** hog's library surface: `import { profile } from 'hog'` (see src/profiler/profile.ts). */
export { writeSnapshot } from './inspector/inProcessSnapshot.js';
export { profile } from './profiler/profile.js';

export { VERSION as version } from './version.js';
