// Statechart pictures drawn from the machine definition itself: every state and every
// transition, eventless ones included (xstate's toDirectedGraph leaves those out). DOT for
// Graphviz (rendered to SVG offline with @viz-js/viz, Graphviz compiled to WebAssembly) and
// Mermaid stateDiagram-v2. Element ids in the SVG are `s:<state id>` and `t:<transition id>`,
// so a report can highlight the current state and the transitions taken.

import { instance } from '@viz-js/viz';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { chartTransitions } from '../check/coverage';

type Definition = {
  source: AnyStateNode;
  eventType: string;
  target?: readonly AnyStateNode[];
  guard?: unknown;
  description?: string;
};

/** A readable guard: a name, and(a, b), or(a, b), !a, in(state). */
export function guardText(guard: unknown): string {
  if (guard === undefined || guard === null) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard && typeof (guard as { type: unknown }).type === 'string') return (guard as { type: string }).type;
  if (typeof guard === 'function') {
    const fn = guard as { guards?: unknown[]; stateValue?: unknown; name?: string };
    if (Array.isArray(fn.guards)) {
      const parts = fn.guards.map(guardText);
      if (fn.name === 'not' || (fn.name ?? '').startsWith('not')) return `!${parts[0]}`;
      return `${fn.name === 'or' ? 'or' : 'and'}(${parts.join(', ')})`;
    }
    if (fn.stateValue !== undefined) return `in(${String(fn.stateValue)})`;
    return fn.name || 'guard';
  }
  return 'guard';
}

function allNodes(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    nodes.push(node);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return nodes;
}

function definitionsOf(machine: AnyStateMachine): { id: string; definition: Definition }[] {
  const ids = chartTransitions(machine).map((t) => t.id);
  const definitions: Definition[] = [];
  for (const node of allNodes(machine)) {
    for (const list of node.transitions.values()) definitions.push(...(list as unknown as Definition[]));
    definitions.push(...((node.always ?? []) as unknown as Definition[]));
  }
  return definitions.map((definition, i) => ({ id: ids[i]!, definition }));
}

const isCompound = (node: AnyStateNode) => Object.keys(node.states).length > 0;
const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function edgeLabel(definition: Definition): string {
  const event = definition.eventType === '' ? 'always' : definition.eventType;
  const guard = guardText(definition.guard);
  return guard ? `${event}\n[${guard}]` : event;
}

/** Graphviz DOT: compound and parallel states as clusters (parallel ones dashed). */
export function toDot(machine: AnyStateMachine): string {
  const lines = [
    `digraph ${quote(machine.id)} {`,
    '  compound=true; rankdir=LR; fontname="Helvetica"; fontsize=11;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
  ];
  // A node that stands for a state: atomic states themselves, compound ones an invisible anchor inside their cluster.
  const anchor = (node: AnyStateNode) => (isCompound(node) ? quote(`anchor:${node.id}`) : quote(`s:${node.id}`));
  const emit = (node: AnyStateNode, indent: string) => {
    if (!isCompound(node)) {
      const initial = node.parent && node.parent.type !== 'parallel' && node.parent.initial?.target?.[0] === node;
      lines.push(`${indent}${quote(`s:${node.id}`)} [id=${quote(`s:${node.id}`)}, label=${quote(node.key)}${initial ? ', penwidth=2' : ''}${node.type === 'final' ? ', peripheries=2' : ''}];`);
      return;
    }
    lines.push(`${indent}subgraph ${quote(`cluster_${node.id}`)} {`);
    lines.push(`${indent}  id=${quote(`s:${node.id}`)}; label=${quote(node.key)}; style=${node.type === 'parallel' ? '"dashed,rounded"' : 'rounded'};`);
    lines.push(`${indent}  ${anchor(node)} [shape=point, width=0.01, style=invis, label=""];`);
    for (const child of Object.values(node.states)) emit(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  emit(machine.root, '  ');
  for (const { id, definition } of definitionsOf(machine)) {
    const source = definition.source;
    const targets = definition.target?.length ? definition.target : [source];
    targets.forEach((target, i) => {
      const attributes = [
        `id=${quote(`t:${id}${i > 0 ? `:${i}` : ''}`)}`,
        `label=${quote(edgeLabel(definition))}`,
        ...(isCompound(source) ? [`ltail=${quote(`cluster_${source.id}`)}`] : []),
        ...(isCompound(target) && target !== source ? [`lhead=${quote(`cluster_${target.id}`)}`] : []),
        ...(definition.eventType === '' ? ['style=dashed'] : []),
      ];
      lines.push(`  ${anchor(source)} -> ${anchor(target)} [${attributes.join(', ')}];`);
    });
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid stateDiagram-v2, for Markdown viewers. */
export function toMermaid(machine: AnyStateMachine): string {
  const name = (node: AnyStateNode) => node.id.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['stateDiagram-v2'];
  const emit = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states);
    if (node !== machine.root) {
      lines.push(`${indent}state "${node.key}" as ${name(node)}${children.length ? ' {' : ''}`);
    }
    const inner = node === machine.root ? indent : `${indent}  `;
    if (children.length) {
      if (node.type === 'parallel') {
        children.forEach((child, i) => {
          if (i > 0) lines.push(`${inner}--`);
          emit(child, inner);
        });
      } else {
        const initial = node.initial?.target?.[0];
        if (initial) lines.push(`${inner}[*] --> ${name(initial)}`);
        for (const child of children) emit(child, inner);
      }
      if (node !== machine.root) lines.push(`${indent}}`);
    }
  };
  emit(machine.root, '  ');
  for (const { definition } of definitionsOf(machine)) {
    const targets = definition.target?.length ? definition.target : [definition.source];
    const label = edgeLabel(definition).replace(/\n/g, ' ').replace(/:/g, ' ');
    for (const target of targets) {
      if (definition.source === machine.root || target === machine.root) continue;
      lines.push(`  ${name(definition.source)} --> ${name(target)} : ${label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** SVG from DOT, rendered offline; the ids of states and transitions are kept. */
export async function toSvg(machine: AnyStateMachine): Promise<string> {
  const viz = await instance();
  return viz.renderString(toDot(machine), { format: 'svg' });
}
