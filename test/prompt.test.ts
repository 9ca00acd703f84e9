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
  it('asks at 1.2 and records the operator’s choice and note', async () => {
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
    term.stdin.write('1'); // the second choice (0-based 1): "Document the gaps and proceed", wherever the cursor starts
    await new Promise((r) => setTimeout(r, 50));
    term.stdin.write('\r');
    await waitFor(/Note for the record/);
    term.stdin.write('two boxscore dates unrecoverable');
    term.stdin.write('\r');
    const code = await done;
    expect(code).toBe(0);
    expect(shown).toMatch(/Recommendation: .+ — /);
    const gate = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'gate');
    expect(gate).toMatchObject({ id: '1.2', answer: 'document', answeredBy: 'operator', note: 'two boxscore dates unrecoverable' });
  });

  it('asks again for an empty note, saying why, instead of failing after the run', async () => {
    const sb = sandbox();
    const term = fakeTerminal();
    const human = new PassThrough();
    human.resume();
    const done = runScript(runbook, ['--warehouse', sb.warehouse, '--journal', sb.journal, '--from', '1.1'], {
      stdin: term.stdin as never, stdout: term.stdout, out: human, stderr: human,
    });
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 400 && !re.test(term.screen()); i++) await new Promise((r) => setTimeout(r, 25));
      expect(term.screen()).toMatch(re);
    };
    await waitFor(/how do you want to go on/);
    term.stdin.write('1'); // "Document the gaps and proceed", as in the test above
    await new Promise((r) => setTimeout(r, 50));
    term.stdin.write('\r');
    await waitFor(/Note for the record/);
    term.stdin.write('\r'); // empty: refused, the prompt stays open
    await waitFor(/a note is required: say what is missing/);
    term.stdin.write('bdl gaps known');
    term.stdin.write('\r');
    expect(await done).toBe(0);
    const gate = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'gate');
    expect(gate).toMatchObject({ id: '1.2', answer: 'document', note: 'bdl gaps known' });
  });

  it('Ctrl+C at a prompt exits 130 with the resume command', async () => {
    const sb = sandbox();
    const term = fakeTerminal();
    const human = new PassThrough();
    let shown = '';
    human.on('data', (d) => { shown += String(d); });
    const done = runScript(runbook, ['--warehouse', sb.warehouse, '--journal', sb.journal, '--from', '1.1'], {
      stdin: term.stdin as never, stdout: term.stdout, out: human, stderr: human,
    });
    for (let i = 0; i < 400 && !/how do you want to go on/.test(term.screen()); i++) await new Promise((r) => setTimeout(r, 25));
    term.stdin.write('\x03'); // Ctrl+C in raw mode reaches the prompt, not a signal
    expect(await done).toBe(130);
    expect(shown).toMatch(/interrupted at step 1\.2\n\s+resume with: \.\/runbook\/01-validate-phase2\.mts --warehouse \S+ --journal \S+ --from 1\.2/);
    const end = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'end');
    expect(end).toMatchObject({ exitCode: 130, stoppedAt: '1.2' });
  });
});
