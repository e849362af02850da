/**
 * The grid's ground metric, for second derivatives. Differences along a grid line measure derivatives along that
 * line; where the line curves on the ground (parallels of a geographic grid, rows and columns of Web Mercator or of
 * any projection away from its standard lines) or where the two families of lines turn as one moves (sinusoidal),
 * the second differences also carry the gradient times that turning. The spacing model's steps and frame give the
 * metric of the pixel grid on the ground, g = JᵀJ with J = [hx·u, hy·v] (hx, hy the ground lengths of one pixel
 * step, u, v their unit directions); its Christoffel symbols give how u and v turn, so the turning can be taken out.
 *
 * With D_u, D_v the derivatives along the lines (per ground metre), D_uu, D_vv the second derivatives along them
 * (per ground metre along the line), D_vu the derivative along v of the field D_u and D_uv that along u of D_v, and
 * H the Hessian on the ground (the covariant one, which is the quadric's matrix in any local metric frame):
 *   D_uu = uᵀHu + κ_u (∇z·n_u),  D_vv = vᵀHv + κ_v (∇z·n_v),
 *   D_vu = uᵀHv + ω_vu (∇z·n_u),  D_uv = uᵀHv + ω_uv (∇z·n_v),
 * n_u, n_v the unit normals of u and v (turned 90° anticlockwise), κ_u, κ_v the lines' geodesic curvatures and
 * ω_vu, ω_uv the rates at which u turns along v and v along u. Then H = M·[[uᵀHu, uᵀHv], [uᵀHv, vᵀHv]]·Mᵀ with M the
 * gradient's own frame matrix (east/north = M·(D_u, D_v)).
 */
import type { SpacingModel } from "../geo/types.js";

/**
 * Per output column of one row: the frame matrix (east/north gradient = M·(D_u, D_v)) and the corrections that turn
 * the line derivatives into the Hessian along the lines: uᵀHu = D_uu − (uuA·D_u + uuB·D_v), likewise vv, and
 * uᵀHv = D_vu − (vuA·D_u + vuB·D_v) = D_uv − (uvA·D_u + uvB·D_v).
 */
export interface MetricRow {
  m00: Float64Array;
  m01: Float64Array;
  m10: Float64Array;
  m11: Float64Array;
  uuA: Float64Array;
  uuB: Float64Array;
  vvA: Float64Array;
  vvB: Float64Array;
  vuA: Float64Array;
  vuB: Float64Array;
  uvA: Float64Array;
  uvB: Float64Array;
}

/** What the metric keeps of one DEM row. */
interface RowRecord {
  /** x steps: entry c is metres from column c to c + 1. */
  xs: Float64Array;
  /** y steps from this row to the next (absent on the last row). */
  ys: Float64Array | undefined;
  /** Ground length of one column step at each pixel centre. */
  hx: Float64Array;
  /** The frame's matrix (diagonal ±1 when the grid's axes are ±east and ±north). */
  frame: [Float64Array, Float64Array, Float64Array, Float64Array];
  /** u × v (the sine of the angle from the column step's direction to the row step's), per pixel. */
  cross: Float64Array;
  /** Ground length of one row step at each pixel centre, and hx·hy·(u·v): filled on first use. */
  hy: Float64Array | undefined;
  f: Float64Array | undefined;
  /** Whether steps and frame are the same at every column (geographic grids, nominal and explicit spacing). */
  constant: boolean;
  /** The memory behind hy and f. */
  hyArray: Float64Array;
  fArray: Float64Array;
}

function newRecord(width: number): RowRecord {
  const a = () => new Float64Array(width);
  return {
    xs: new Float64Array(Math.max(1, width - 1)),
    ys: undefined,
    hx: a(),
    frame: [a(), a(), a(), a()],
    cross: a(),
    hy: undefined,
    f: undefined,
    constant: false,
    hyArray: a(),
    fArray: a(),
  };
}

/** Rows kept (a row's coefficients read rows r − 2 … r + 1); the arrays of rows let go are reused. */
const KEPT_ROWS = 8;

const allEqual = (a: Float64Array, n: number) => {
  for (let i = 1; i < n; i++) if (a[i] !== a[0]) return false;
  return true;
};

/**
 * A pixel-centre length from the steps between centres: the mean of the two steps beside the pixel (before, after),
 * extrapolated linearly at the ends from the two steps inside (next) so that a length varying linearly stays exact
 * there too. NaN marks a missing step.
 */
function centreLength(before: number, after: number, next: number): number {
  if (before === before && after === after) return (before + after) / 2;
  const step = before === before ? before : after;
  return next === next ? 1.5 * step - 0.5 * next : step === step ? step : 0;
}

/** The derivative per column step of a row's field at column c (central, one-sided at the first and last). */
function alongRow(a: Float64Array, c: number, last: number): number {
  if (last < 1) return 0;
  if (c === 0) return a[1]! - a[0]!;
  if (c === last) return a[last]! - a[last - 1]!;
  return (a[c + 1]! - a[c - 1]!) / 2;
}

/** The derivative per row step of a field at column c from its rows above, here and below (either may be absent). */
function acrossRows(
  above: Float64Array | undefined,
  here: Float64Array,
  below: Float64Array | undefined,
  c: number,
) {
  if (above && below) return (below[c]! - above[c]!) / 2;
  if (below) return below[c]! - here[c]!;
  if (above) return here[c]! - above[c]!;
  return 0;
}

/**
 * The ground metric of a grid, read from its spacing model row by row (rows are fetched once and kept while the
 * rows around them are in use), and the per-pixel coefficients of second derivatives (see the module's comment).
 * Values depend only on the row and column, never on which rows were asked for before.
 *
 * @example
 * ```ts
 * const metric = new GridMetric(spacing, width, height, 1, -1);
 * const row = newMetricRow(width);
 * metric.coefficients(10, 0, width, row); // row.m00 … row.uvB for DEM row 10
 * ```
 */
export class GridMetric {
  private readonly rows = new Map<number, RowRecord>();
  private readonly free: RowRecord[] = [];

  constructor(
    private readonly spacing: SpacingModel,
    private readonly width: number,
    private readonly demHeight: number,
    private readonly xSign: 1 | -1,
    private readonly ySign: 1 | -1,
  ) {}

  /** x steps of a row (entry c: column c → c + 1). */
  xSteps(row: number): Float64Array {
    return this.record(row).xs;
  }

  /** y steps from a row to the next (entry c: column c), or undefined on the DEM's last row. */
  ySteps(row: number): Float64Array | undefined {
    return this.record(row).ys;
  }

  /** Fills `out` for columns [x, x + count) of DEM row `row` (entry 0 is column x). */
  coefficients(row: number, x: number, count: number, out: MetricRow): void {
    const here = this.record(row);
    const above = row > 0 ? this.record(row - 1) : undefined;
    const below = row < this.demHeight - 1 ? this.record(row + 1) : undefined;
    const hx = here.hx;
    const hy = this.hy(row);
    const f = this.f(row);
    const hxAbove = above?.hx;
    const hxBelow = below?.hx;
    const hyAbove = above ? this.hy(row - 1) : undefined;
    const hyBelow = below ? this.hy(row + 1) : undefined;
    const fAbove = above ? this.f(row - 1) : undefined;
    const fBelow = below ? this.f(row + 1) : undefined;
    const [m00s, m01s, m10s, m11s] = here.frame;
    const last = this.width - 1;
    // Along a row whose neighbours are constant too (up to two above: the y steps into the row above), so is every
    // coefficient: one column's, copied.
    const constant =
      here.constant &&
      (above?.constant ?? true) &&
      (below?.constant ?? true) &&
      (row < 2 || this.record(row - 2).constant);
    for (let k = 0; k < (constant ? Math.min(count, 1) : count); k++) {
      const c = x + k;
      const hxC = hx[c]!;
      const hyC = hy[c]!;
      const fC = f[c]!;
      const e = hxC * hxC;
      const g = hyC * hyC;
      const eI = 2 * hxC * alongRow(hx, c, last);
      const eJ = 2 * hxC * acrossRows(hxAbove, hx, hxBelow, c);
      const gI = 2 * hyC * alongRow(hy, c, last);
      const gJ = 2 * hyC * acrossRows(hyAbove, hy, hyBelow, c);
      const fI = alongRow(f, c, last);
      const fJ = acrossRows(fAbove, f, fBelow, c);
      const det = e * g - fC * fC;
      // Christoffel symbols of the metric [[e, f], [f, g]] in pixel-index coordinates (i columns, j rows).
      const gamma211 = (e * (fI - 0.5 * eJ) - 0.5 * fC * eI) / det;
      const gamma112 = (0.5 * g * eJ - 0.5 * fC * gI) / det;
      const gamma212 = (0.5 * e * gI - 0.5 * fC * eJ) / det;
      const gamma122 = (g * (fJ - 0.5 * gI) - 0.5 * fC * gJ) / det;
      const cross = here.cross[c]!;
      const kappaU = (gamma211 * hyC * cross) / e;
      const omegaVU = (gamma212 * cross) / hxC;
      const omegaUV = (-gamma112 * cross) / hyC;
      const kappaV = (-gamma122 * hxC * cross) / g;
      const m00 = m00s[c]!;
      const m01 = m01s[c]!;
      const m10 = m10s[c]!;
      const m11 = m11s[c]!;
      // ∇z·n_u and ∇z·n_v as multiples of D_u and D_v (∇z = M·(D_u, D_v), u = cross·(m11, −m01), v = cross·(−m10, m00)).
      const mixed = cross * (m00 * m01 + m10 * m11);
      const nuA = mixed;
      const nuB = cross * (m01 * m01 + m11 * m11);
      const nvA = -cross * (m00 * m00 + m10 * m10);
      const nvB = -mixed;
      out.m00[k] = m00;
      out.m01[k] = m01;
      out.m10[k] = m10;
      out.m11[k] = m11;
      out.uuA[k] = kappaU * nuA;
      out.uuB[k] = kappaU * nuB;
      out.vvA[k] = kappaV * nvA;
      out.vvB[k] = kappaV * nvB;
      out.vuA[k] = omegaVU * nuA;
      out.vuB[k] = omegaVU * nuB;
      out.uvA[k] = omegaUV * nvA;
      out.uvB[k] = omegaUV * nvB;
    }
    if (constant && count > 1) for (const a of Object.values(out)) a.fill(a[0]!, 1, count);
  }

  private record(row: number): RowRecord {
    let record = this.rows.get(row);
    if (record) return record;
    const { width, spacing } = this;
    if (this.rows.size >= KEPT_ROWS) {
      const oldest = this.rows.keys().next().value!;
      this.free.push(this.rows.get(oldest)!);
      this.rows.delete(oldest);
    }
    record = this.free.pop() ?? newRecord(width);
    const { xs, hx, cross, frame } = record;
    if (width > 1) spacing.xSteps(row, xs);
    const ys = row < this.demHeight - 1 ? (record.ys ?? new Float64Array(width)) : undefined;
    if (ys) spacing.ySteps(row, ys);
    const step = (c: number) => (c >= 0 && c < width - 1 ? xs[c]! : Number.NaN);
    for (let c = 0; c < width; c++)
      hx[c] = centreLength(step(c - 1), step(c), c === 0 ? step(1) : step(c - 2));
    if (spacing.frame) {
      spacing.frame.eastNorth(row, ...frame);
      const [m00, m01, m10, m11] = frame;
      // det(M) = 1 / (u × v).
      for (let c = 0; c < width; c++) cross[c] = 1 / (m00[c]! * m11[c]! - m01[c]! * m10[c]!);
    } else {
      frame[0].fill(this.xSign);
      frame[1].fill(0);
      frame[2].fill(0);
      frame[3].fill(this.ySign);
      cross.fill(this.xSign * this.ySign);
    }
    record.ys = ys;
    record.hy = undefined;
    record.f = undefined;
    record.constant =
      allEqual(xs, width - 1) && (!ys || allEqual(ys, width)) && frame.every((m) => allEqual(m, width));
    this.rows.set(row, record);
    return record;
  }

  /** Ground length of one row step at each pixel centre of a row (from the y steps of the rows around it). */
  private hy(row: number): Float64Array {
    const record = this.record(row);
    if (record.hy) return record.hy;
    const { width, demHeight } = this;
    const hy = record.hyArray;
    const steps = (r: number) => (r >= 0 && r < demHeight - 1 ? this.ySteps(r) : undefined);
    const before = steps(row - 1);
    const after = steps(row);
    const next = row === 0 ? steps(1) : steps(row - 2);
    for (let c = 0; c < width; c++) {
      hy[c] = centreLength(
        before ? before[c]! : Number.NaN,
        after ? after[c]! : Number.NaN,
        next ? next[c]! : Number.NaN,
      );
    }
    record.hy = hy;
    return hy;
  }

  /** hx·hy·(u·v) at each pixel of a row: the metric's off-diagonal term (0 where the grid is orthogonal). */
  private f(row: number): Float64Array {
    const record = this.record(row);
    if (record.f) return record.f;
    const f = record.fArray.fill(0);
    if (this.spacing.frame) {
      const hy = this.hy(row);
      const [m00, m01, m10, m11] = record.frame;
      for (let c = 0; c < this.width; c++) {
        const s = record.cross[c]!;
        // u·v with u = s·(m11, −m01), v = s·(−m10, m00).
        const cos = -s * s * (m10[c]! * m11[c]! + m00[c]! * m01[c]!);
        f[c] = record.hx[c]! * hy[c]! * cos;
      }
    }
    record.f = f;
    return f;
  }
}

/** A MetricRow of `count` columns. */
export function newMetricRow(count: number): MetricRow {
  const a = () => new Float64Array(count);
  return {
    m00: a(),
    m01: a(),
    m10: a(),
    m11: a(),
    uuA: a(),
    uuB: a(),
    vvA: a(),
    vvB: a(),
    vuA: a(),
    vuB: a(),
    uvA: a(),
    uvB: a(),
  };
}
