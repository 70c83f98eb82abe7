// The charts as Stately Studio and the VS Code extension see them: they read the source, not the
// running machine. Their extractor (statelyai/xstate-tools, machine-extractor/src/conds.ts)
// names a transition's guard only when it is a string literal or an object with a string
// `type`; anything else (an and()/or()/not() call, a function, an identifier) becomes an
// anonymous inline guard. So every guard in the createMachine() config must be a string, and
// every composite in setup() must be built of names too, so that an import that expands a
// composite still finds a name at each leaf.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { channelMachine } from '../machines/channel.machine';
import { mtaMachine } from '../machines/mta.machine';

const machinesDir = join(import.meta.dirname, '..', 'machines');
const chartFiles = readdirSync(machinesDir).filter((file) => file.endsWith('.machine.ts'));

type GuardKind = 'named' | 'inline';

/** How the extractor classifies a guard expression. */
function guardKind(node: ts.Expression): GuardKind {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return 'named';
  if (ts.isObjectLiteralExpression(node)) {
    const type = node.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'type');
    if (type && ts.isPropertyAssignment(type) && ts.isStringLiteral(type.initializer)) return 'named';
  }
  return 'inline';
}

/** The first argument of every `.createMachine({...})` / `createMachine({...})` call, and of every `setup({...})` call. */
function callArguments(source: ts.SourceFile, callee: string): ts.ObjectLiteralExpression[] {
  const found: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const name = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : '';
      const first = node.arguments[0];
      if (name === callee && first && ts.isObjectLiteralExpression(first)) found.push(first);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

interface GuardUse {
  readonly where: string;
  readonly kind: GuardKind;
  readonly name: string | null;
}

/** Every `guard:` of the chart config, with the line it is on. */
function guardsInCharts(fileName: string, text: string): GuardUse[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: GuardUse[] = [];
  for (const config of callArguments(source, 'createMachine')) {
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'guard') {
        const kind = guardKind(node.initializer);
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const name = ts.isStringLiteral(node.initializer) ? node.initializer.text : null;
        uses.push({ where: `${fileName}:${line} ${node.initializer.getText().slice(0, 60)}`, kind, name });
      }
      ts.forEachChild(node, visit);
    };
    visit(config);
  }
  return uses;
}

/** The guards of setup({ guards }) whose definition is an and/or/not/stateIn call with anything but string literals inside. */
function compositesWithInlineParts(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const bad: string[] = [];
  for (const options of callArguments(source, 'setup')) {
    const guards = options.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'guards');
    if (!guards || !ts.isPropertyAssignment(guards) || !ts.isObjectLiteralExpression(guards.initializer)) continue;
    for (const entry of guards.initializer.properties) {
      if (!ts.isPropertyAssignment(entry) || !ts.isCallExpression(entry.initializer)) continue;
      const call = entry.initializer;
      const callee = call.expression.getText();
      const parts = callee === 'and' || callee === 'or' ? (call.arguments[0] && ts.isArrayLiteralExpression(call.arguments[0]) ? [...call.arguments[0].elements] : [call.arguments[0]]) : [...call.arguments];
      if (!['and', 'or', 'not', 'stateIn'].includes(callee) || parts.some((part) => part === undefined || !ts.isStringLiteral(part))) {
        bad.push(`${entry.name.getText()}: ${call.getText().slice(0, 80)}`);
      }
    }
  }
  return bad;
}

describe.each(chartFiles)('%s as Stately imports it', (file) => {
  const text = readFileSync(join(machinesDir, file), 'utf8');
  const uses = guardsInCharts(file, text);

  test('has guards to check', () => {
    expect(uses.length).toBeGreaterThan(5);
  });

  test('no transition guard is inline (an and()/or()/not() call, a function or an identifier): each is a name from setup()', () => {
    expect(uses.filter((use) => use.kind === 'inline').map((use) => use.where)).toEqual([]);
  });

  test('every composite in setup() is and/or/not/stateIn over names only, so its leaves keep their names too', () => {
    expect(compositesWithInlineParts(file, text)).toEqual([]);
  });

  test('no and(/or(/not( call appears in the chart config at all', () => {
    const config = text.slice(text.indexOf('.createMachine('));
    expect(config.match(/\b(and|or|not)\(\s*[[']/g) ?? []).toEqual([]);
  });
});

test.each([
  ['mta.machine.ts', mtaMachine],
  ['channel.machine.ts', channelMachine],
] as const)('every guard name used in %s is implemented in its setup()', (file, machine) => {
  const names = guardsInCharts(file, readFileSync(join(machinesDir, file), 'utf8')).map((use) => use.name);
  const implemented = Object.keys(machine.implementations.guards);
  expect(names.filter((name) => name === null || !implemented.includes(name))).toEqual([]);
});

test('the check sees inline guards: an and() on a transition, a function, and a composite with an inline part', () => {
  const text = `
    const m = setup({ guards: { a: () => true, b: () => true, c: and(['a', 'b']), d: not(stateIn('#m.x')), e: or(['a', ({ context }) => true]) } })
      .createMachine({ id: 'm', initial: 'x', states: { x: { on: {
        go: [{ guard: and(['a', 'b']), target: 'y' }, { guard: ({ context }) => true, target: 'y' }, { guard: 'c', target: 'y' }, { guard: { type: 'a' }, target: 'y' }],
      } }, y: {} } });`;
  expect(guardsInCharts('toy.ts', text).map((use) => use.kind)).toEqual(['inline', 'inline', 'named', 'named']);
  expect(compositesWithInlineParts('toy.ts', text).map((line) => line.split(':')[0])).toEqual(['d', 'e']);
});
