/** Names from other users reach the terminal with their control characters as visible escapes. */
import { describe, expect, it } from 'vitest';
import { terminalText } from '../../src/render/terminalText.js';

describe('terminalText', () => {
  it('escapes C0 controls, with the usual names for tab, newline and carriage return', () => {
    expect(terminalText('\x1b[2Jevil\n')).toBe('\\x1b[2Jevil\\n');
    expect(terminalText('a\tb\rc\x00d\x07')).toBe('a\\tb\\rc\\x00d\\x07');
    expect(terminalText('\x1b]0;title\x07')).toBe('\\x1b]0;title\\x07');
  });

  it('escapes DEL and the C1 controls (U+009B is a one-character CSI)', () => {
    expect(terminalText('x\x7fy')).toBe('x\\u007fy');
    expect(terminalText('\x802J\x9b2J\x9f')).toBe('\\u00802J\\u009b2J\\u009f');
  });

  it('keeps JSON valid: what it escapes beyond C0 is written as JSON escapes it', () => {
    const value = { command: 'a\x7f\x9b\u202e\u2028b\x1b\n' };
    const text = terminalText(JSON.stringify(value));
    expect(JSON.parse(text)).toEqual(value);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is left is the point
    expect(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/.test(text)).toBe(false);
  });

  it('escapes lone surrogates and keeps pairs', () => {
    expect(terminalText('a\ud800b\udc00')).toBe('a\\ud800b\\udc00');
    expect(terminalText('🐷 hog')).toBe('🐷 hog');
  });

  it('escapes the bidirectional controls and the line and paragraph separators', () => {
    expect(terminalText('evil\u202egpj.exe')).toBe('evil\\u202egpj.exe');
    expect(terminalText('a\u2066b\u2069c\u200e\u061c')).toBe('a\\u2066b\\u2069c\\u200e\\u061c');
    expect(terminalText('a\u2028b\u2029')).toBe('a\\u2028b\\u2029');
  });

  it('keeps printable Unicode, spaces and backslashes as they are', () => {
    const text = 'café 日本語 — ü ∑ \\n\\x1b C:\\dir (deleted) \u00a0\u00ff';
    expect(terminalText(text)).toBe(text);
    expect(terminalText('')).toBe('');
  });

  it('keeps newlines, and only them, when asked to', () => {
    expect(terminalText('line 1\nPID 7 (\x1b[2J)\r\nline 3', { keepNewlines: true })).toBe(
      'line 1\nPID 7 (\\x1b[2J)\\r\nline 3',
    );
  });

  it('leaves no byte below 0x20 nor 0x7f-0x9f in its output, for every such character', () => {
    for (let code = 0; code < 0xa0; code++) {
      const out = terminalText(`<${String.fromCharCode(code)}>`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is left is the point
      expect(/[\u0000-\u001f\u007f-\u009f]/.test(out), `U+${code.toString(16)}: ${out}`).toBe(false);
    }
  });
});
