/** A real enquirer prompt at a gate, answered through injected terminal streams. */
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runScript } from '../lib/notebook/notebook.ts';
import { runbook } from '../runbook/01-validate-phase2.mts';
import { sandbox } from './support/scripts.ts';

function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  let screen = '';
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 40 });
  stdout.on('data', (d) => { screen += String(d); });
  return { stdin, stdout, screen: () => screen };
}

describe('gate prompt', () => {
  it('asks at 1.2, marks nothing recommended in the undecided band, and records the operator’s choice and note', async () => {
    const sb = sandbox();
    const term = fakeTerminal();
    const human = new PassThrough();
    let shown = '';
    human.on('data', (d) => { shown += String(d); });
    const done = runScript(runbook, ['--warehouse', sb.warehouse, '--journal', sb.journal, '--from', '1.1'], {
      stdin: term.stdin as never, stdout: term.stdout, out: human, stderr: human,
    });
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 400 && !re.test(term.screen()); i++) await new Promise((r) => setTimeout(r, 25));
      expect(term.screen()).toMatch(re);
    };
    await waitFor(/how do you want to go on/);
    term.stdin.write('\x1b[B'); // down: "Document the gaps and proceed"
    await new Promise((r) => setTimeout(r, 50));
    term.stdin.write('\r');
    await waitFor(/Note for the record/);
    term.stdin.write('two boxscore dates unrecoverable');
    term.stdin.write('\r');
    const code = await done;
    expect(code).toBe(0);
    expect(shown).toContain('No recommendation:');
    const gate = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'gate');
    expect(gate).toMatchObject({ id: '1.2', answer: 'document', answeredBy: 'operator', note: 'two boxscore dates unrecoverable' });
  });
});
