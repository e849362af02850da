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
  /** The frame's matrix (absent when the grid's axes are ±east and ±north). */
  frame: [Float64Array, Float64Array, Float64Array, Float64Array] | undefined;
  /** u × v (the sine of the angle from the column step's direction to the row step's), per pixel. */
  cross: Float64Array;
  /** Ground length of one row step at each pixel centre, and hx·hy·(u·v): filled on first use. */
  hy: Float64Array | undefined;
  f: Float64Array | undefined;
}

/** Rows kept: a row's coefficients read rows r − 2 … r + 2. */
const KEPT_ROWS = 6;

/**
 * Pixel-centre lengths from the steps between centres: the mean of the two steps beside a pixel, extrapolated
 * linearly at the ends so that a length varying linearly stays exact there too.
 */
function centreLengths(
  steps: (i: number) => number,
  count: number,
  out: Float64Array,
  at: (i: number) => number,
) {
  if (count < 2) {
    if (count === 1) out[at(0)] = 0;
    return;
  }
  if (count === 2) {
    out[at(0)] = steps(0);
    out[at(1)] = steps(0);
    return;
  }
  out[at(0)] = 1.5 * steps(0) - 0.5 * steps(1);
  for (let i = 1; i < count - 1; i++) out[at(i)] = (steps(i - 1) + steps(i)) / 2;
  out[at(count - 1)] = 1.5 * steps(count - 2) - 0.5 * steps(count - 3);
}

/** The derivative per index step of a field known at index −1, 0, +1 (NaN where absent): central, else one-sided. */
function indexDerivative(before: number, here: number, after: number): number {
  if (before === before && after === after) return (after - before) / 2;
  if (after === after) return after - here;
  if (before === before) return here - before;
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
    const hy = this.hy(row);
    const hyAbove = above ? this.hy(row - 1) : undefined;
    const hyBelow = below ? this.hy(row + 1) : undefined;
    const f = this.f(row);
    const fAbove = above ? this.f(row - 1) : undefined;
    const fBelow = below ? this.f(row + 1) : undefined;
    const last = this.width - 1;
    const diagonal = [this.xSign, 0, 0, this.ySign] as const;
    for (let k = 0; k < count; k++) {
      const c = x + k;
      const along = (a: Float64Array) =>
        indexDerivative(c > 0 ? a[c - 1]! : Number.NaN, a[c]!, c < last ? a[c + 1]! : Number.NaN);
      const across = (a: Float64Array | undefined, b: Float64Array, d: Float64Array | undefined) =>
        indexDerivative(a ? a[c]! : Number.NaN, b[c]!, d ? d[c]! : Number.NaN);
      const hxC = here.hx[c]!;
      const hyC = hy[c]!;
      const fC = f[c]!;
      const e = hxC * hxC;
      const g = hyC * hyC;
      const eI = 2 * hxC * along(here.hx);
      const eJ = 2 * hxC * across(above?.hx, here.hx, below?.hx);
      const gI = 2 * hyC * along(hy);
      const gJ = 2 * hyC * across(hyAbove, hy, hyBelow);
      const fI = along(f);
      const fJ = across(fAbove, f, fBelow);
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
      const [m00, m01, m10, m11] = here.frame
        ? [here.frame[0][c]!, here.frame[1][c]!, here.frame[2][c]!, here.frame[3][c]!]
        : diagonal;
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
  }

  private record(row: number): RowRecord {
    let record = this.rows.get(row);
    if (record) return record;
    const { width, spacing } = this;
    const xs = new Float64Array(Math.max(1, width - 1));
    if (width > 1) spacing.xSteps(row, xs);
    let ys: Float64Array | undefined;
    if (row < this.demHeight - 1) {
      ys = new Float64Array(width);
      spacing.ySteps(row, ys);
    }
    const hx = new Float64Array(width);
    centreLengths(
      (i) => xs[i]!,
      width,
      hx,
      (i) => i,
    );
    const cross = new Float64Array(width);
    let frame: RowRecord["frame"];
    if (spacing.frame) {
      frame = [
        new Float64Array(width),
        new Float64Array(width),
        new Float64Array(width),
        new Float64Array(width),
      ];
      spacing.frame.eastNorth(row, ...frame);
      const [m00, m01, m10, m11] = frame;
      // det(M) = 1 / (u × v).
      for (let c = 0; c < width; c++) cross[c] = 1 / (m00[c]! * m11[c]! - m01[c]! * m10[c]!);
    } else {
      cross.fill(this.xSign * this.ySign);
    }
    record = { xs, ys, hx, frame, cross, hy: undefined, f: undefined };
    if (this.rows.size >= KEPT_ROWS) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(row, record);
    return record;
  }

  /** Ground length of one row step at each pixel centre of a row (from the y steps of the rows around it). */
  private hy(row: number): Float64Array {
    const record = this.record(row);
    if (record.hy) return record.hy;
    const { width, demHeight } = this;
    const hy = new Float64Array(width);
    // The column's pixels row − 1 … row + 1 (or the two beyond at the DEM's first and last rows).
    const first = Math.max(0, Math.min(row - 1, demHeight - 3));
    const count = Math.min(demHeight, 3);
    const steps = Array.from({ length: Math.max(0, count - 1) }, (_, i) => this.ySteps(first + i)!);
    const column = new Float64Array(count);
    for (let c = 0; c < width; c++) {
      centreLengths(
        (i) => steps[i]![c]!,
        count,
        column,
        (i) => i,
      );
      hy[c] = column[row - first]!;
    }
    record.hy = hy;
    return hy;
  }

  /** hx·hy·(u·v) at each pixel of a row: the metric's off-diagonal term (0 where the grid is orthogonal). */
  private f(row: number): Float64Array {
    const record = this.record(row);
    if (record.f) return record.f;
    const f = new Float64Array(this.width);
    if (record.frame) {
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
