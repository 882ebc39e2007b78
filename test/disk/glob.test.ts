import { describe, expect, it } from 'vitest';
import { ExcludeMatcher, globToRegExp } from '../../src/disk/glob.js';

describe('globToRegExp (fnmatch without flags)', () => {
  const matches = (pattern: string, text: string) => globToRegExp(pattern).test(text);

  it('* and ? match any character, "/" and a leading dot included', () => {
    expect(matches('*.log', 'app.log')).toBe(true);
    expect(matches('*.log', 'app.log.1')).toBe(false);
    expect(matches('*.log', 'a/b.log')).toBe(true);
    expect(matches('*', '.hidden')).toBe(true);
    expect(matches('f?o', 'foo')).toBe(true);
    expect(matches('f?o', 'fo')).toBe(false);
  });

  it('brackets: ranges, negation with ! and ^, classes, a ] first', () => {
    expect(matches('core.[0-9]*', 'core.1234')).toBe(true);
    expect(matches('core.[0-9]*', 'core.x')).toBe(false);
    expect(matches('[!a]x', 'bx')).toBe(true);
    expect(matches('[^a]x', 'ax')).toBe(false);
    expect(matches('[[:digit:]][[:alpha:]]', '7z')).toBe(true);
    expect(matches('[]]', ']')).toBe(true);
    expect(matches('[a-', '[a-')).toBe(true); // an unclosed bracket is a literal "["
  });

  it('a backslash quotes; regular expression characters are literal', () => {
    expect(matches('a\\*b', 'a*b')).toBe(true);
    expect(matches('a\\*b', 'axb')).toBe(false);
    expect(matches('a.b(c)+', 'a.b(c)+')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('x-y', 'x-y')).toBe(true);
  });
});

describe('ExcludeMatcher (du --exclude)', () => {
  it('matches names, and with a slash the path or any part of it after a slash', () => {
    const m = new ExcludeMatcher(['*.tmp', 'cache/*.bin']);
    expect(m.excludes('x.tmp', () => '/r/x.tmp')).toBe(true);
    expect(m.excludes('x.bin', () => '/r/a/cache/x.bin')).toBe(true);
    expect(m.excludes('x.bin', () => '/r/a/other/x.bin')).toBe(false);
    expect(new ExcludeMatcher([]).empty).toBe(true);
  });
});
