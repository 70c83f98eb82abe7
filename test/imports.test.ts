// The layout's rules, checked on the import graph (type-only imports included: a circle of
// types still ties two modules into one):
// - no import circles in machines/ or explore/;
// - the checker knows nothing of the model: explore/ imports nothing from machines/;
// - the model does not depend on its harness: machines/*.ts import nothing from machines/harness/;
// - explore/'s stages depend one way: engine ← check ← report ← cli.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** The project files a module imports or re-exports (static, dynamic, type-only), as paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier))).map((path) => (path.endsWith('.ts') ? path : `${path}.ts`));
}

type Graph = ReadonlyMap<string, readonly string[]>;

/** The circles: strongly connected components of more than one module, or a module importing itself (Tarjan). */
export function importCircles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

const files = [...sources('machines'), ...sources('explore')];
const graph: Graph = new Map(files.map((file) => [file, importsOf(file)]));
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
const stages = ['engine', 'check', 'report', 'cli'];
const stageOf = (file: string) => stages.indexOf(file.split('/')[1] ?? '');

describe('the import graph', () => {
  test('has no circles in machines/ or explore/', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(edges.length).toBeGreaterThan(100);
    expect(importCircles(graph)).toEqual([]);
  });

  test('the circle finder finds a circle of type-only imports, and a module importing itself', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', ['d.ts']],
    ]);
    expect(importCircles(circle)).toEqual([['d.ts'], ['a.ts', 'b.ts', 'c.ts']]);
    expect(importsOf('explore/engine/fast-engine.ts')).toContain('explore/engine/exploration.ts'); // an `import type` counts
  });

  test('explore/ imports nothing from machines/, and the model nothing from its harness', () => {
    expect(edges.filter(({ from, to }) => from.startsWith('explore/') && to.startsWith('machines/'))).toEqual([]);
    expect(edges.filter(({ from, to }) => !from.startsWith('machines/harness/') && from.startsWith('machines/') && to.startsWith('machines/harness/'))).toEqual([]);
  });

  test('explore/ is one subfolder per stage, and a stage imports only itself and earlier stages', () => {
    expect(sources('explore').filter((file) => stageOf(file) < 0)).toEqual([]);
    const backwards = edges.filter(({ from, to }) => from.startsWith('explore/') && to.startsWith('explore/') && stageOf(to) > stageOf(from));
    expect(backwards.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });
});
