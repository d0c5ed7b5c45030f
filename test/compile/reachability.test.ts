// Incremental reachability equals a from-scratch closure after every random change of
// edges and roots, cycles included; and dropping an edge only visits what it reached.
import { describe, expect, it } from 'vitest';
import { Reachability } from '../../src/compile/reachability.js';
import type { Unit } from '../../src/compile/units.js';
import { Rng } from './edit_programs.js';

type Node = { id: number };

/** A node as reachability sees a unit: its id, and the state reachability keeps on it. */
function node(id: number): Node {
  return { id, reachable: false, referrers: 0, counted: null } as Node;
}

function closure(roots: Set<number>, edges: Map<number, number[]>): Set<number> {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(edges.get(n) ?? []));
  }
  return seen;
}

describe('incremental reachability', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches a fresh closure through 300 random edge and root changes (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const n = 40;
      const nodes: Node[] = Array.from({ length: n }, (_, id) => node(id));
      const edges = new Map<number, number[]>();
      for (let i = 0; i < n; i++) edges.set(i, [rng.int(n), rng.int(n)].filter((t, k, a) => a.indexOf(t) === k));
      const asUnit = (x: Node) => x as unknown as Unit;
      // Successors without repeats, as Compilation gives them (a random edit may add an edge twice).
      const reach = new Reachability((u) => [...new Set(edges.get((u as unknown as Node).id) ?? [])].map((t) => asUnit(nodes[t])));
      let roots = new Set([0]);
      reach.setRoots([...roots].map((r) => asUnit(nodes[r])));
      for (let step = 0; step < 300; step++) {
        const kind = rng.int(3);
        if (kind === 0) {
          const from = rng.int(n);
          const list = edges.get(from)!;
          if (list.length && rng.next() < 0.6) list.splice(rng.int(list.length), 1);
          else if (!list.includes(step % n)) list.push(rng.int(n));
          reach.successorsChanged(asUnit(nodes[from]));
        } else if (kind === 1) {
          roots = new Set([0, ...[...roots].filter(() => rng.next() < 0.7), rng.int(n)]);
          reach.setRoots([...roots].map((r) => asUnit(nodes[r])));
        } else {
          // A node's edges all change at once (a body rewritten).
          const from = rng.int(n);
          edges.set(from, [rng.int(n)]);
          reach.successorsChanged(asUnit(nodes[from]));
        }
        if (reach.hasPendingWork()) reach.settle();
        const expected = closure(roots, edges);
        const actual = new Set(nodes.filter((x) => reach.has(asUnit(x))).map((x) => x.id));
        expect([...actual].sort((a, b) => a - b), `step ${step}`).toEqual([...expected].sort((a, b) => a - b));
      }
    });
  }

  it('drops a cycle that is no longer referenced', () => {
    const [entry, ping, pong] = [node(0), node(1), node(2)] as unknown as Unit[];
    const edges = new Map<Unit, Unit[]>([[entry, [ping]], [ping, [pong]], [pong, [ping]]]);
    const reach = new Reachability((u) => edges.get(u) ?? []);
    reach.setRoots([entry]);
    expect([ping, pong].every((u) => reach.has(u))).toBe(true);
    edges.set(entry, []);
    reach.successorsChanged(entry);
    expect(reach.settle().length).toBe(2);
    expect(reach.has(ping) || reach.has(pong)).toBe(false);
  });

  it('dropping an edge to a widely shared unit visits only what that unit reaches', () => {
    const n = 10_000;
    const nodes = Array.from({ length: n + 2 }, (_, id) => node(id)) as unknown as Unit[];
    const shared = nodes[n + 1];
    // root → every function; every function → the shared constant.
    const edges = new Map<Unit, Unit[]>();
    edges.set(nodes[n], nodes.slice(0, n));
    for (let i = 0; i < n; i++) edges.set(nodes[i], [shared]);
    let calls = 0;
    const reach = new Reachability((u) => {
      calls++;
      return edges.get(u) ?? [];
    });
    reach.setRoots([nodes[n]]);
    calls = 0;
    edges.set(nodes[7], []);
    reach.successorsChanged(nodes[7]);
    expect(reach.settle()).toEqual([]);
    expect(reach.has(shared)).toBe(true);
    expect(calls).toBe(1);
  });
});
