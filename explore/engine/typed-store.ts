// Storage for the fast engine over typed arrays: growable columns, a visited set of integer
// tuples (open addressing, linear probing) and a map from integer pairs to integers. No object
// per entry, so memory per state is a handful of bytes and the garbage collector has nothing
// to trace.

type TypedArray = Int32Array | Uint16Array;

abstract class Growable<T extends TypedArray> {
  length = 0;
  constructor(public data: T) {}
  protected abstract allocate(size: number): T;
  /** Makes room for `count` more values. */
  reserve(count: number): void {
    if (this.length + count <= this.data.length) return;
    // Half as much again (not double): at most a third of a column is ever unused.
    let size = Math.ceil(this.data.length * 1.5);
    while (size < this.length + count) size = Math.ceil(size * 1.5);
    const bigger = this.allocate(size);
    bigger.set(this.data as never);
    this.data = bigger;
  }
  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor(initial = 1024) {
    super(new Int32Array(initial));
  }
  protected allocate(size: number): Int32Array {
    return new Int32Array(size);
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export class GrowableUint16 extends Growable<Uint16Array> {
  constructor(initial = 1024) {
    super(new Uint16Array(initial));
  }
  protected allocate(size: number): Uint16Array {
    return new Uint16Array(size);
  }
}

/** The finaliser of MurmurHash3: spreads every input bit over the whole word. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A set of tuples of `width` 32-bit integers, numbered 0, 1, 2, … in the order they were added.
 * The tuples live in one column (`tuples`, `width` words each); the hash table holds one word
 * per slot: the tuple's number plus one in the low 26 bits and a 6-bit tag of spare hash bits
 * in the high ones. So a state costs `width` words plus one slot at ≤ 70 % load, and a probe
 * rules out almost every occupied slot without reading its tuple (a cache miss in a table of
 * millions). At most 2^26 − 1 (67 million) tuples.
 */
export class TupleSet {
  static readonly maxSize = (1 << 26) - 1;
  readonly tuples: GrowableInt32;
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(readonly width: number, initialCapacity = 1 << 12) {
    this.tuples = new GrowableInt32(initialCapacity * width);
    this.slots = new Int32Array(initialCapacity);
    this.mask = initialCapacity - 1;
  }

  private hashOf(words: Int32Array, at: number): number {
    let h = 0x9e3779b9;
    for (let i = 0; i < this.width; i++) h = mix(h ^ words[at + i]!) + i;
    return h;
  }

  private equalsAt(index: number, words: Int32Array): boolean {
    const data = this.tuples.data;
    const base = index * this.width;
    for (let i = 0; i < this.width; i++) if (data[base + i] !== words[i]) return false;
    return true;
  }

  /** The number of this tuple, adding it if new (then the number is `size - 1` afterwards). */
  findOrAdd(words: Int32Array): number {
    const hash = this.hashOf(words, 0);
    const tag = hash >>> 26;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      if (entry >>> 26 === tag && this.equalsAt((entry & 0x3ffffff) - 1, words)) return (entry & 0x3ffffff) - 1;
      slot = (slot + 1) & this.mask;
    }
    if (this.size === TupleSet.maxSize) throw new RangeError(`more than ${TupleSet.maxSize} states: beyond what the visited set can number`);
    const index = this.size++;
    this.slots[slot] = (tag << 26) | (index + 1);
    this.tuples.reserve(this.width);
    const data = this.tuples.data;
    for (let i = 0; i < this.width; i++) data[this.tuples.length++] = words[i]!;
    if (this.size * 10 > this.slots.length * 7) this.grow();
    return index;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    const data = this.tuples.data;
    for (let index = 0; index < this.size; index++) {
      const hash = this.hashOf(data, index * this.width);
      let slot = hash & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = ((hash >>> 26) << 26) | (index + 1);
    }
  }

  /** Bytes held: the tuples and the hash table. */
  get bytes(): number {
    return this.tuples.bytes + this.slots.byteLength;
  }
}

/** A map from pairs of non-negative 32-bit integers to non-negative integers; -1 when absent. */
export class PairMap {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 10) {
    this.keys = new Int32Array(initialCapacity * 2).fill(-1);
    this.values = new Int32Array(initialCapacity);
    this.mask = initialCapacity - 1;
  }

  get(a: number, b: number): number {
    let slot = mix(Math.imul(a, 0x9e3779b1) ^ b) & this.mask;
    for (;;) {
      const k = this.keys[slot * 2]!;
      if (k === -1) return -1;
      if (k === a && this.keys[slot * 2 + 1] === b) return this.values[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  set(a: number, b: number, value: number): void {
    if ((this.size + 1) * 10 > this.values.length * 7) this.grow();
    this.insert(a, b, value);
  }

  private insert(a: number, b: number, value: number): void {
    let slot = mix(Math.imul(a, 0x9e3779b1) ^ b) & this.mask;
    for (;;) {
      const k = this.keys[slot * 2]!;
      if (k === -1) break;
      if (k === a && this.keys[slot * 2 + 1] === b) {
        this.values[slot] = value;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot * 2] = a;
    this.keys[slot * 2 + 1] = b;
    this.values[slot] = value;
    this.size++;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(values.length * 2);
    this.mask = this.values.length - 1;
    this.size = 0;
    for (let slot = 0; slot < values.length; slot++) {
      if (keys[slot * 2] !== -1) this.insert(keys[slot * 2]!, keys[slot * 2 + 1]!, values[slot]!);
    }
  }

  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }
}
