/**
 * The in-place redraw of live views (src/render/terminal.ts): the whole screen at first, then only the
 * lines that changed, the whole screen again after a resize, a change in the number of lines, or every
 * 30 draws. Checked on the bytes written, and what a terminal shows is checked by test/cli/top.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { openScreen } from '../../src/render/terminal.js';
import { FakeTerminal } from '../helpers/fakeTerminal.js';

function fakeTerminal() {
  const terminal = new FakeTerminal(80, 24);
  terminal.inputIsTTY = false;
  const screen = openScreen(terminal);
  const written = terminal.written;
  return { screen, terminal, written, last: () => written.at(-1) };
}

const E = '\x1b[';

describe('openScreen draw', () => {
  it('writes the whole screen first, then only the changed lines at their rows', () => {
    const t = fakeTerminal();
    t.screen.draw(['top 10:00', 'a', 'b']);
    expect(t.last()).toBe(`${E}Htop 10:00${E}K\r\na${E}K\r\nb${E}K${E}J`);
    t.screen.draw(['top 10:02', 'a', 'c']);
    expect(t.last()).toBe(`${E}1;1Htop 10:02${E}K${E}3;1Hc${E}K`);
    const count = t.written.length;
    t.screen.draw(['top 10:02', 'a', 'c']);
    expect(t.written).toHaveLength(count); // nothing changed: nothing written
    t.screen.close();
  });

  it('writes the whole screen after a resize or when the number of lines changes', () => {
    const t = fakeTerminal();
    t.screen.draw(['x', 'y']);
    t.terminal.width = 100;
    t.screen.draw(['x', 'y']);
    expect(t.last()).toBe(`${E}Hx${E}K\r\ny${E}K${E}J`);
    t.screen.draw(['x', 'y', 'z']);
    expect(t.last()).toBe(`${E}Hx${E}K\r\ny${E}K\r\nz${E}K${E}J`);
    t.screen.draw(['x', 'w']);
    expect(t.last()).toBe(`${E}Hx${E}K\r\nw${E}K${E}J`);
    t.screen.close();
  });

  it('writes the whole screen every 30 draws, changed or not', () => {
    const t = fakeTerminal();
    const full = [] as number[];
    for (let i = 1; i <= 60; i++) {
      const before = t.written.length;
      t.screen.draw(['same', `line ${i % 2}`]);
      if (t.written.length > before && t.last()?.startsWith(`${E}H`)) full.push(i);
    }
    expect(full).toEqual([1, 30, 60]);
    t.screen.close();
  });
});
