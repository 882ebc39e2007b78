/**
 * The y/N question before something destructive (src/cli/confirm.ts), on a fake terminal: only y or
 * yes goes ahead, and without a terminal to ask on it is a usage error that names --yes.
 */
import { describe, expect, it } from 'vitest';
import { confirm } from '../../src/cli/confirm.js';
import { FakeTerminal } from '../helpers/fakeTerminal.js';

describe('confirm', () => {
  it('asks with [y/N]; y, Y and yes go ahead, anything else does not', async () => {
    const terminal = new FakeTerminal();
    const answers = ['y', ' Yes ', 'YES', '', 'n', 'yep', 'no'];
    terminal.answers.push(...answers);
    const results: boolean[] = [];
    for (const _ of answers) results.push(await confirm(terminal, 'Go ahead?', '--reclaim'));
    expect(results).toEqual([true, true, true, false, false, false, false]);
    expect(terminal.questions).toEqual(answers.map(() => 'Go ahead? [y/N] '));
  });

  it('without a terminal to ask on it refuses and names --yes, asking nothing', async () => {
    const terminal = new FakeTerminal();
    terminal.inputIsTTY = false;
    const asked = confirm(terminal, 'Go ahead?', 'hog disk clean --apply');
    await expect(asked).rejects.toThrow(
      'hog disk clean --apply asks for confirmation, and there is no terminal to ask on',
    );
    await expect(asked).rejects.toMatchObject({ hint: 'add --yes to go ahead without asking', exitCode: 2 });
    expect(terminal.questions).toEqual([]);
  });
});
