import { PreparedTree } from "./prepared-ensemble";

/**
 * The recursion of exact path-dependent TreeSHAP (Lundberg et al. 2020, "From local explanations to global
 * understanding with explainable AI for trees", Algorithm 2; shap's `tree_shap_recursive` in
 * `shap/cext/tree_shap.h`; docs/shap-reference.md C.3-C.4): EXTEND, UNWIND and UNWOUND_SUM on
 * the permutation weights of the unique path, as there. The values equal shap's up to rounding (~1e-15); the
 * work is organised differently, for several times fewer floating-point operations per row than shap's C++
 * (which runs a division-bound O(depth) UNWOUND_SUM for every path element at every leaf):
 *
 * - Weights: one copy per recursion level, laid out as shap's C++ lays out its path copies (a triangle of
 *   (maxDepth + 3)(maxDepth + 4)/2 slots, the copy of a node whose last element has index l starting l + 1
 *   slots after its parent's), so a child extends its copy while the parent's stays intact for the sibling.
 *   The copy and EXTEND are one pass: w'_i = z·w_i·(l − i)/(l + 1) + o·w_{i−1}·i/(l + 1).
 * - Elements (feature, z, o): the unique path holds each feature at most once, so they live in per-feature
 *   tables (z, o, state) plus a stack of the "hot" features (o ≠ 0), instead of per-level copies. The weights
 *   are indexed by subset size, not by element, so the order of elements is irrelevant; a repeated feature is
 *   found in O(1) instead of by shap's linear search, taken off (UNWIND) and put back after its children.
 * - Cold elements (o = 0): at a leaf, UNWOUND_SUM · (o − z) = −(l + 1) Σ_j w_j / (l − j) is the same for every
 *   o = 0 element (z cancels), and an element that becomes cold stays cold in the whole subtree below. So each
 *   leaf returns its "cold share" (l + 1) · Σ_j w_j/(l − j) · value, subtrees add them up, and a feature gets
 *   minus the total of the subtree where it turned cold, once, instead of once per leaf.
 * - Hot elements (o ≠ 0) need the backward recurrence tmp = next/((j + 1) o), next = w_j − tmp·z·(l − j),
 *   Σ tmp, run four elements at a time so the dependency chains overlap, with 1/(j + 1) from a table.
 * - Sibling leaves ("cherries") share all elements but the split's own, and UNWOUND_SUM is linear in the
 *   weights, so their common hot elements run once on value-weighted merged weights.
 * - Floating-point values cross method calls through fields (`inZero`, `inOne`, `inFraction`, `out`), not
 *   arguments or return values: V8 boxes a double passed to or returned from a call it does not inline, one
 *   heap allocation per node, while a field holding a double is updated in place.
 *
 * Conditioning (for interaction values, C.4): `condition` +1 means feature `conditionFeature` is "on" (never
 * follow the cold branch of its splits), -1 "off" (follow both, weighted by cover); in both cases the feature
 * is never put on the path. 0 means no conditioning.
 *
 * One walker owns one workspace sized for trees up to `maxDepth` and allocates nothing while walking.
 */
export class PathDependentWalker {
  /** Per-level weight copies (see the class comment). */
  private readonly weight: Float64Array;
  /** Scratch weights of a cherry's hot leaf, and the value-weighted sum of both leaves' weights. */
  private readonly cherryHot: Float64Array;
  private readonly cherryMerged: Float64Array;
  /** zeroOf[f], oneOf[f]: fractions of feature f's path element (valid while f is on the path). */
  private readonly zeroOf: Float64Array;
  private readonly oneOf: Float64Array;
  /** stateOf[f]: OFF_PATH, COLD (on the path with o = 0), or the index of f in `hotFeatures`. */
  private readonly stateOf: Int32Array;
  private readonly hotFeatures: Int32Array;
  private hotCount = 0;

  // Doubles passed into a call (the incoming element and condition fraction, a cherry's cold side, a scale)
  // and returned from one (see the class comment).
  private inZero = 0;
  private inOne = 0;
  private inFraction = 0;
  private inColdZero = 0;
  private laneScale = 0;
  private out = 0;

  // The tree, input row and output of the current `addTree` call.
  private childrenLeft = new Int32Array(0);
  private childrenRight = new Int32Array(0);
  private feature = new Int32Array(0);
  private threshold = new Float64Array(0);
  private value = new Float64Array(0);
  private leftFraction = new Float64Array(0);
  private rightFraction = new Float64Array(0);
  private bothLeaves = new Uint8Array(0);
  private x = new Float64Array(0);
  private xOffset = 0;
  private phi = new Float64Array(0);
  private phiOffset = 0;
  private condition = 0;
  private conditionFeature = -1;

  /**
   * @param maxDepth the deepest tree (in splits) this walker will be given
   * @param nFeatures number of input features of the ensemble
   */
  constructor(readonly maxDepth: number, readonly nFeatures: number) {
    if (!(maxDepth >= 0 && maxDepth <= MAX_DEPTH)) throw new Error(`PathDependentWalker: tree depth must be in [0, ${MAX_DEPTH}], got ${maxDepth}`);
    const levels = maxDepth + 3;
    this.weight = new Float64Array((levels * (levels + 1)) / 2);
    this.cherryHot = new Float64Array(levels);
    this.cherryMerged = new Float64Array(levels);
    this.zeroOf = new Float64Array(nFeatures);
    this.oneOf = new Float64Array(nFeatures);
    this.stateOf = new Int32Array(nFeatures).fill(OFF_PATH);
    this.hotFeatures = new Int32Array(levels);
  }

  /**
   * Adds one tree's SHAP values for one row to `phi[phiOffset .. phiOffset + nFeatures)`.
   *
   * @param tree a prepared tree with depth ≤ this walker's maxDepth (its scaled values are attributed)
   * @param xRound the input rows already rounded to float32 (`Math.fround`), row-major; the row starts at xOffset
   * @param condition 0, +1 (feature on) or -1 (feature off): see the class comment
   */
  addTree(
    tree: PreparedTree,
    xRound: Float64Array,
    xOffset: number,
    phi: Float64Array,
    phiOffset: number,
    condition = 0,
    conditionFeature = -1,
  ): void {
    if (tree.maxDepth > this.maxDepth) throw new Error(`PathDependentWalker: tree depth ${tree.maxDepth} exceeds the workspace depth ${this.maxDepth}`);
    if (tree.usesFeature.length !== this.nFeatures) throw new Error(`PathDependentWalker: tree has ${tree.usesFeature.length} features, workspace ${this.nFeatures}`);
    this.childrenLeft = tree.childrenLeft;
    this.childrenRight = tree.childrenRight;
    this.feature = tree.feature;
    this.threshold = tree.threshold;
    this.value = tree.scaledValue;
    this.leftFraction = tree.leftFraction;
    this.rightFraction = tree.rightFraction;
    this.bothLeaves = tree.bothLeaves;
    this.x = xRound;
    this.xOffset = xOffset;
    this.phi = phi;
    this.phiOffset = phiOffset;
    this.condition = condition;
    this.conditionFeature = conditionFeature;
    this.hotCount = 0;
    if (this.childrenLeft[0] === -1) return; // a single leaf: every Shapley value is 0
    // The root's element is shap's dummy (feature -1, z = o = 1): it only seeds the weights.
    this.inZero = 1;
    this.inOne = 1;
    this.inFraction = 1;
    this.recurse(0, 0, -1, -1);
  }

  /**
   * RECURSE of C.3 at `node`, with the incoming element (inZero, inOne, `feature`) and condition fraction
   * inFraction. The parent's weights start at `parentOffset`; `last` is the index this node's element takes
   * (or the parent's last index when the incoming split is on the conditioned feature, which is not added).
   * The root comes with shap's dummy element (feature -1, z = o = 1) and parentOffset -1. Leaves the
   * subtree's cold share (see the class comment) in `out`.
   */
  private recurse(node: number, last: number, parentOffset: number, feature: number): void {
    const zero = this.inZero, one = this.inOne, conditionFraction = this.inFraction;
    this.out = 0;
    if (conditionFraction === 0) return;
    const extend = this.condition === 0 || feature !== this.conditionFeature;
    // An element with z = o = 0 (a zero-cover branch that x does not take) zeroes every permutation weight of
    // its subtree, which therefore adds exactly 0 (shap's C++ would reach 0/0; fitted sklearn trees have no
    // empty nodes, so this only concerns hand-made ensembles).
    if (extend && zero === 0 && one === 0) return;
    const off = parentOffset + last + 1;
    if (extend) {
      this.extendInto(this.weight, off, parentOffset, last);
      if (feature >= 0) this.enter(feature);
    } else {
      const pw = this.weight;
      for (let i = 0; i <= last; i++) pw[off + i] = pw[parentOffset + i];
    }
    if (this.childrenLeft[node] === -1) this.leaf(node, last, off);
    else {
      // Split node: find the hot child (the one x follows) and the cold one.
      const f = this.feature[node];
      let hot: number, cold: number, hotZero: number, coldZero: number;
      if (this.x[this.xOffset + f] <= this.threshold[node]) {
        hot = this.childrenLeft[node];
        cold = this.childrenRight[node];
        hotZero = this.leftFraction[node];
        coldZero = this.rightFraction[node];
      } else {
        hot = this.childrenRight[node];
        cold = this.childrenLeft[node];
        hotZero = this.rightFraction[node];
        coldZero = this.leftFraction[node];
      }

      // A feature already on the path is taken off and put back with the combined fractions, so each feature
      // appears once (the "unique" path).
      let depth = last;
      let incomingZero = 1, incomingOne = 1;
      const state = this.stateOf[f];
      if (state !== OFF_PATH) {
        incomingZero = this.zeroOf[f];
        incomingOne = this.oneOf[f];
        this.inZero = incomingZero;
        this.inOne = incomingOne;
        this.unwind(off, last);
        if (state >= 0) {
          // Off the hot stack: the top element fills the hole (children push above the new top).
          const top = --this.hotCount;
          if (state !== top) {
            const moved = this.hotFeatures[top];
            this.hotFeatures[state] = moved;
            this.stateOf[moved] = state;
          }
        }
        this.stateOf[f] = OFF_PATH;
        depth -= 1;
      }

      let hotFraction = conditionFraction, coldFraction = conditionFraction;
      const conditioned = this.condition !== 0 && f === this.conditionFeature;
      if (conditioned) {
        if (this.condition > 0) coldFraction = 0;
        else {
          hotFraction *= hotZero;
          coldFraction *= coldZero;
        }
        depth -= 1;
      }

      let coldShare: number;
      if (this.bothLeaves[node] === 1 && !conditioned) {
        this.inZero = hotZero * incomingZero;
        this.inOne = incomingOne;
        this.inColdZero = coldZero * incomingZero;
        this.inFraction = conditionFraction;
        this.cherry(hot, cold, depth + 1, off, f);
        coldShare = this.out;
      } else {
        this.inZero = hotZero * incomingZero;
        this.inOne = incomingOne;
        this.inFraction = hotFraction;
        this.recurse(hot, depth + 1, off, f);
        coldShare = this.out;
        this.inZero = coldZero * incomingZero;
        this.inOne = 0;
        this.inFraction = coldFraction;
        this.recurse(cold, depth + 1, off, f);
        const coldChild = this.out;
        // f turns cold in the cold child's subtree unless it was cold already (then an ancestor counts it).
        if (!conditioned && incomingOne !== 0) this.phi[this.phiOffset + f] -= coldChild;
        coldShare += coldChild;
      }

      if (state !== OFF_PATH) {
        if (state >= 0) {
          const top = this.hotCount++;
          if (state !== top) {
            const moved = this.hotFeatures[state];
            this.hotFeatures[top] = moved;
            this.stateOf[moved] = top;
          }
          this.hotFeatures[state] = f;
        }
        this.stateOf[f] = state;
        this.zeroOf[f] = incomingZero;
        this.oneOf[f] = incomingOne;
      }
      this.out = coldShare;
    }
    if (extend && feature >= 0) {
      // The element leaves the path with this node; a hot one is on top of the hot stack (deeper levels
      // restore what they move), and a parent that had this feature restores its own entry.
      if (one !== 0) this.hotCount--;
      this.stateOf[feature] = OFF_PATH;
    }
  }

  /**
   * Both children of a split on f are leaves, with elements (f, inZero, inOne) and (f, inColdZero, 0) at index
   * `last` (condition fraction inFraction). Equivalent to two RECURSE calls: the hot elements other than f are
   * the same in both leaves, and UNWOUND_SUM is linear in the weights, so they run once on
   * scale_hot·w_hot + scale_cold·w_cold. The cold leaf's weights are never formed: with o = 0, EXTEND gives
   * w_j = coldZero·w_parent,j·(l − j)/(l + 1), so its cold share is coldZero/(l + 1)·Σ_j w_parent,j·scale_cold.
   * Leaves the cold share of both leaves in `out`.
   */
  private cherry(hot: number, cold: number, last: number, parentOffset: number, f: number): void {
    const hotZero = this.inZero, hotOne = this.inOne, coldZero = this.inColdZero, conditionFraction = this.inFraction;
    const pw = this.weight, wHot = this.cherryHot, merged = this.cherryMerged;
    const hotLive = !(hotZero === 0 && hotOne === 0);
    const hotScale = hotLive ? (last + 1) * conditionFraction * this.value[hot] : 0;
    const coldScale = (last + 1) * conditionFraction * this.value[cold];
    if (hotLive) this.extendInto(wHot, 0, parentOffset, last);
    else wHot.fill(0, 0, last + 1);
    const coldPart = coldZero * RECIPROCAL[last] * coldScale;
    let parentSum = 0;
    for (let j = 0; j < last; j++) {
      const wParent = pw[parentOffset + j];
      parentSum += wParent;
      merged[j] = hotScale * wHot[j] + coldPart * wParent * (last - j);
    }
    merged[last] = hotScale * wHot[last];
    this.laneScale = 1;
    this.hotLanes(merged, 0, last);
    let hotShare = 0;
    if (hotLive) {
      if (hotOne !== 0) {
        // f's own element in the hot leaf: UNWOUND_SUM/(l + 1) by the backward recurrence.
        const r = 1 / hotOne;
        let next = wHot[last], total = 0;
        for (let j = last - 1; j >= 0; j--) {
          const tmp = next * RECIPROCAL[j] * r;
          total += tmp;
          next = wHot[j] - tmp * (hotZero * (last - j));
        }
        this.phi[this.phiOffset + f] += total * (hotOne - hotZero) * hotScale;
      }
      let sum = 0;
      for (let j = last - 1; j >= 0; j--) sum += wHot[j] * RECIPROCAL[last - j - 1];
      hotShare = sum * hotScale;
    }
    const coldShare = coldPart * parentSum;
    // f turns cold in the cold leaf unless it was cold already (then its incoming o, hotOne, is 0).
    if (hotOne !== 0) this.phi[this.phiOffset + f] -= coldShare;
    this.out = hotShare + coldShare;
  }

  /**
   * At a leaf (condition fraction inFraction): each hot element gets UNWOUND_SUM · (o − z) · value; the cold
   * elements' common share is left in `out` for the ancestors.
   */
  private leaf(node: number, last: number, off: number): void {
    const scale = (last + 1) * this.inFraction * this.value[node];
    const pw = this.weight;
    if (this.hotCount > 0) {
      this.laneScale = scale;
      this.hotLanes(pw, off, last);
    }
    let sum = 0;
    for (let j = last - 1; j >= 0; j--) sum += pw[off + j] * RECIPROCAL[last - j - 1];
    this.out = sum * scale;
  }

  /**
   * phi[f] += UNWOUND_SUM(element f) / (l + 1) · (o_f − z_f) · laneScale for every hot feature f, on the weights
   * w[off .. off+last]: the recurrences of four elements per pass, a short group padded with its first element
   * (whose extra results are dropped).
   */
  private hotLanes(w: Float64Array, off: number, last: number): void {
    const scale = this.laneScale;
    const hotFeatures = this.hotFeatures, n = this.hotCount, zeroOf = this.zeroOf, oneOf = this.oneOf;
    const phi = this.phi, phiOffset = this.phiOffset;
    const wLast = w[off + last];
    for (let h = 0; h < n; h += 4) {
      const f0 = hotFeatures[h];
      const f1 = h + 1 < n ? hotFeatures[h + 1] : f0;
      const f2 = h + 2 < n ? hotFeatures[h + 2] : f0;
      const f3 = h + 3 < n ? hotFeatures[h + 3] : f0;
      const o0 = oneOf[f0], o1 = oneOf[f1], o2 = oneOf[f2], o3 = oneOf[f3];
      const z0 = zeroOf[f0], z1 = zeroOf[f1], z2 = zeroOf[f2], z3 = zeroOf[f3];
      let n0 = wLast, n1 = wLast, n2 = wLast, n3 = wLast;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      // tmp = next / ((j + 1) o); next = w_j − tmp · z (l − j). Path-dependent TreeSHAP only has o ∈ {0, 1}
      // (products of 0/1 one-fractions), and for o = 1 the step is next = w_j − next · z · (l − j)/(j + 1)
      // with (l − j)/(j + 1) shared by the four lanes; any other o takes the general form.
      if (o0 === 1 && o1 === 1 && o2 === 1 && o3 === 1) {
        for (let j = last - 1; j >= 0; j--) {
          const wj = w[off + j], up = RECIPROCAL[j], ratio = up * (last - j);
          s0 += n0 * up;
          s1 += n1 * up;
          s2 += n2 * up;
          s3 += n3 * up;
          n0 = wj - n0 * (z0 * ratio);
          n1 = wj - n1 * (z1 * ratio);
          n2 = wj - n2 * (z2 * ratio);
          n3 = wj - n3 * (z3 * ratio);
        }
      } else {
        const r0 = 1 / o0, r1 = 1 / o1, r2 = 1 / o2, r3 = 1 / o3;
        for (let j = last - 1; j >= 0; j--) {
          const wj = w[off + j], up = RECIPROCAL[j], down = last - j;
          const u0 = up * r0, u1 = up * r1, u2 = up * r2, u3 = up * r3;
          s0 += n0 * u0;
          s1 += n1 * u1;
          s2 += n2 * u2;
          s3 += n3 * u3;
          n0 = wj - n0 * (u0 * (z0 * down));
          n1 = wj - n1 * (u1 * (z1 * down));
          n2 = wj - n2 * (u2 * (z2 * down));
          n3 = wj - n3 * (u3 * (z3 * down));
        }
      }
      phi[phiOffset + f0] += s0 * (o0 - z0) * scale;
      if (h + 1 < n) phi[phiOffset + f1] += s1 * (o1 - z1) * scale;
      if (h + 2 < n) phi[phiOffset + f2] += s2 * (o2 - z2) * scale;
      if (h + 3 < n) phi[phiOffset + f3] += s3 * (o3 - z3) * scale;
    }
  }

  /** EXTEND by (inZero, inOne): dst[dstOff ..] = the parent's weights at `srcOff` in this.weight, extended. */
  private extendInto(dst: Float64Array, dstOff: number, srcOff: number, last: number): void {
    const pw = this.weight;
    if (last === 0) {
      dst[dstOff] = 1;
      return;
    }
    const zeroPart = this.inZero * RECIPROCAL[last], onePart = this.inOne * RECIPROCAL[last];
    let previous = pw[srcOff];
    dst[dstOff] = zeroPart * previous * last;
    let down = last - 1, up = 1;
    for (let i = 1; i < last; i++) {
      const current = pw[srcOff + i];
      dst[dstOff + i] = zeroPart * current * down + onePart * previous * up;
      previous = current;
      down -= 1;
      up += 1;
    }
    dst[dstOff + last] = onePart * previous * last;
  }

  /** UNWIND of C.3 on the weights at `off` (last index `last`): removes the element (inZero, inOne). */
  private unwind(off: number, last: number): void {
    const pw = this.weight, zero = this.inZero, one = this.inOne;
    const lastRecip = RECIPROCAL[last];
    if (one !== 0) {
      const r = 1 / one;
      let next = pw[off + last];
      for (let i = last - 1; i >= 0; i--) {
        const tmp = pw[off + i];
        pw[off + i] = next * (last + 1) * RECIPROCAL[i] * r;
        next = tmp - pw[off + i] * zero * (last - i) * lastRecip;
      }
    } else {
      const r = (last + 1) / zero;
      for (let i = last - 1; i >= 0; i--) pw[off + i] = pw[off + i] * r * RECIPROCAL[last - i - 1];
    }
  }

  /** Puts feature f on the path with the element (inZero, inOne). */
  private enter(f: number): void {
    const one = this.inOne;
    this.zeroOf[f] = this.inZero;
    this.oneOf[f] = one;
    if (one !== 0) {
      this.stateOf[f] = this.hotCount;
      this.hotFeatures[this.hotCount++] = f;
    } else {
      this.stateOf[f] = COLD;
    }
  }
}

const OFF_PATH = -1;
const COLD = -2;
/** RECIPROCAL[k] = 1/(k + 1): the recurrences multiply by these instead of dividing (a division costs several multiplications). */
const RECIPROCAL = Float64Array.from({ length: 1024 }, (_, k) => 1 / (k + 1));
/** Deepest supported tree: the reciprocal table's size (JavaScript's call stack ends far deeper trees anyway). */
const MAX_DEPTH = 1000;
