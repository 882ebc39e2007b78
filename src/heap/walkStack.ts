/**
 * The explicit stack of a depth-first walk over a heap graph or its dominator tree: per level, the node
 * and where its walk through its edges (or children) stands. A heap graph can be millions of nodes deep,
 * far too deep for recursion; the stack starts at 64 Ki levels and doubles as deep as the walk goes
 * (usually far less than the node count, which bounds it), in typed arrays.
 */
export class WalkStack {
  /** The node at each level. */
  nodes: Uint32Array;
  /** How far the walk through that node's edges or children has gone. */
  cursors: Uint32Array;
  /** The deepest level in use; -1 when empty. */
  top = -1;

  constructor(private readonly capacity: number) {
    this.nodes = new Uint32Array(Math.min(capacity, 1 << 16));
    this.cursors = new Uint32Array(this.nodes.length);
  }

  push(node: number, cursor: number): void {
    const top = ++this.top;
    if (top === this.nodes.length) this.grow();
    this.nodes[top] = node;
    this.cursors[top] = cursor;
  }

  private grow(): void {
    const nodes = new Uint32Array(Math.min(this.capacity, this.nodes.length * 2));
    const cursors = new Uint32Array(nodes.length);
    nodes.set(this.nodes);
    cursors.set(this.cursors);
    this.nodes = nodes;
    this.cursors = cursors;
  }
}
