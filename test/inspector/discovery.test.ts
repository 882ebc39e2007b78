/** Where a SIGUSR1 would open a process's inspector, from its command line or NODE_OPTIONS. */
import { describe, expect, it } from 'vitest';
import { isNodeExecutable, parseInspectorPort } from '../../src/inspector/discovery.js';

describe('parseInspectorPort', () => {
  it('is 9229 unless a flag names a port', () => {
    expect(parseInspectorPort('node\0app.js\0')).toBe(9229);
    expect(parseInspectorPort('node\0--inspect-port=9339\0app.js\0')).toBe(9339);
    expect(parseInspectorPort('node\0--inspect-port=0\0app.js\0')).toBe(0);
    expect(parseInspectorPort('node\0--inspect=127.0.0.1:9400\0app.js\0')).toBe(9400);
    expect(parseInspectorPort('node\0--inspect=[::1]:9401\0app.js\0')).toBe(9401);
  });

  it('takes the last flag, NODE_OPTIONS in the environment included', () => {
    expect(
      parseInspectorPort(
        'node\0--inspect-port=9339\0app.js\0\0PATH=/bin\0NODE_OPTIONS=--inspect-port=9500\0',
      ),
    ).toBe(9500);
  });

  it('ignores a host without a port and look-alike arguments', () => {
    expect(parseInspectorPort('node\0--inspect=localhost\0app.js\0')).toBe(9229);
    expect(parseInspectorPort('node\0app.js\0--inspect-port=12x\0')).toBe(9229);
  });
});

describe('isNodeExecutable', () => {
  it('knows node by its executable name, not the process title', () => {
    expect(isNodeExecutable('/usr/bin/node')).toBe(true);
    expect(isNodeExecutable('/usr/local/bin/nodejs')).toBe(true);
    expect(isNodeExecutable('/opt/node20 (deleted)')).toBe(true);
    expect(isNodeExecutable('/usr/bin/sleep')).toBe(false);
    expect(isNodeExecutable('/usr/bin/nodemon')).toBe(false);
  });
});
