/*
 * The hot per-pixel loops of demgrad in C, for the optional native path (src/native.ts). Each function computes
 * exactly what its JavaScript twin computes — the same IEEE double operations in the same order, no fused
 * multiply-add (-ffp-contract=off), no reassociation — so both paths give the same bits; the tests compare them.
 * The speed comes from the compiler's vector code (SSE2, or AVX2 chosen at load time) and from no bounds checks.
 *
 * Every function is synchronous and takes typed arrays and numbers; lengths are checked here, once per call.
 *
 *   lerp(values, cols, x0, count, out)                   spacing rows interpolated between sample columns
 *   gradientInterior(data, b, width, xs, uniform, yUp, yDown, dzdx, dzdy, o, xSign, ySign, exceptions, frame?)
 *     -> the number of columns written to `exceptions` (cells next to NaN, for the general rule)
 *   windowInterior(data, b, width, xs, horn, yUp, yDown, dzdx, dzdy, o, xSign, ySign, exceptions, frame?) -> n
 *   slope(dzdx, dzdy, out, nodata, percent)
 *   aspect(dzdx, dzdy, out, nodata, flat, trigonometric, northBearing?)
 *   hillshadeRegular(dzdx, dzdy, out, sin254, cosAz254, sinAz254)
 *   gridRotate(dzdx, dzdy, sin, cos, outX, outY, offset, count)
 *   neighbourhoodRow(data, stride, mid, x, from, to, kind, gdaldem, scale, nodata, out, exceptions) -> n
 *   colourRelief(data, stripWidth, firstRow, rows, x, width, values, rgba, selection, nodataColour, r, g, b, a?)
 *   shadeColours(band, shade, factors)
 *   meanRow(top, bottom?, out, nodata?)                 an overview row: the mean of 2×2 blocks
 *   circularMeanRow(top, bottom?, out, nodata?, table)  the same for directions in degrees
 *   float32Predict(words, stride, x0, size, out)         TIFF floating-point predictor of one tile
 */
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

#define MAX_ARGS 14

static napi_value fail(napi_env env, const char *what) {
  napi_throw_type_error(env, NULL, what);
  return NULL;
}

/* A typed array of `type`, its data and length; false if the value is not one. */
static bool typed(napi_env env, napi_value value, napi_typedarray_type type, void **data, size_t *length) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type actual;
  if (napi_get_typedarray_info(env, value, &actual, length, data, NULL, NULL) != napi_ok) return false;
  return actual == type;
}

static bool number(napi_env env, napi_value value, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

/* A whole number in [0, 2^53) (array offsets and counts). */
static bool index_arg(napi_env env, napi_value value, int64_t *out) {
  double v;
  if (!number(env, value, &v) || !(v >= 0 && v < 9007199254740992.0) || v != floor(v)) return false;
  *out = (int64_t)v;
  return true;
}

static bool args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  return argc >= want;
}

/* ---- spacing: straight segments between sample columns (src/geo/spacing.ts, interpolate) ---- */

VECTOR_CLONES
static void lerp_segments(const double *values, const double *cols, size_t n, int64_t x0, int64_t count,
                          double *out) {
  const int64_t stop = x0 + count;
  for (size_t i = 0; i + 1 < n; i++) {
    const int64_t c0 = (int64_t)cols[i];
    const int64_t c1 = (int64_t)cols[i + 1];
    const int64_t end = i + 2 == n ? stop : (stop < c1 ? stop : c1);
    const double v0 = values[i];
    const double slope = (values[i + 1] - v0) / (double)(c1 - c0);
    /* Offsets within a segment fit 32 bits (cheaper to convert to double in vector code). */
    const int64_t base = c0 - x0;
    const int32_t from = (int32_t)((c0 > x0 ? c0 : x0) - c0);
    const int32_t to = (int32_t)(end - c0);
    for (int32_t k = from; k < to; k++) out[base + k] = v0 + slope * (double)k;
  }
}

static napi_value lerp(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *values, *cols, *out;
  size_t nv, nc, no;
  int64_t x0, count;
  if (!args(env, info, 5, argv) || !typed(env, argv[0], napi_float64_array, (void **)&values, &nv) ||
      !typed(env, argv[1], napi_float64_array, (void **)&cols, &nc) || !index_arg(env, argv[2], &x0) ||
      !index_arg(env, argv[3], &count) || !typed(env, argv[4], napi_float64_array, (void **)&out, &no))
    return fail(env, "lerp(values: Float64Array, cols: Float64Array, x0, count, out: Float64Array)");
  if (nv != nc || nv < 2 || (size_t)count > no) return fail(env, "lerp: lengths do not fit");
  /* Sample columns ascend and start at or before x0, so every write lands in out[0, count). */
  for (size_t i = 0; i + 1 < nc; i++)
    if (!(cols[i] < cols[i + 1])) return fail(env, "lerp: sample columns must ascend");
  if (cols[0] > (double)x0) return fail(env, "lerp: the first sample column must be at or before x0");
  lerp_segments(values, cols, nv, x0, count, out);
  return NULL;
}

/* ---- the gradient method's interior cells (src/terrain/gradient-method.ts) ---- */

/* The fast path's derivatives along +column (gx) and +row (gy) of cell c: central differences, numpy's
 * non-uniform weights where the steps differ (the uniform formula where they are equal or the cells flat). */
#define GRADIENT_CELL                                                                                          \
  const double f0 = f[c], fm = f[c - 1], fp = f[c + 1], fu = u[c], fd = d[c];                                 \
  const double all = f0 + fm + fp + fu + fd;                                                                  \
  any_nan += all != all;                                                                                      \
  const double d1x = xs[c - 1], d2x = xs[c];                                                                  \
  const double central = (fp - fm) / hx2;                                                                     \
  const double ax = -d2x / (d1x * (d1x + d2x));                                                               \
  const double bx = (d2x - d1x) / (d1x * d2x);                                                                \
  const double cx = d1x / (d2x * (d1x + d2x));                                                                \
  const double gx = (uniform | ((fm == f0) & (fp == f0))) ? central : ax * fm + bx * f0 + cx * fp;            \
  const double d1 = y_up[c], d2 = y_down[c];                                                                  \
  const double vertical = (fd - fu) / (2.0 * d1);                                                             \
  const double wu = -d2 / (d1 * (d1 + d2));                                                                   \
  const double w0 = (d2 - d1) / (d1 * d2);                                                                    \
  const double wd = d1 / (d2 * (d1 + d2));                                                                    \
  const double gy = ((d1 == d2) | ((fu == f0) & (fd == f0))) ? vertical : wu * fu + w0 * f0 + wd * fd;

/*
 * Columns 1 … last − 1 of one row (f: the row, u/d: the rows above and below), all by the fast path's formulas,
 * turned east/north by the frame matrices; returns whether any cell's five values include NaN (the caller redoes
 * those cells by the general rule).
 */
VECTOR_CLONES
static bool gradient_framed(const double *f, const double *u, const double *d, const double *xs,
                            const double *y_up, const double *y_down, const double *m00, const double *m01,
                            const double *m10, const double *m11, double *restrict dzdx, double *restrict dzdy,
                            int64_t last, bool uniform) {
  const double hx2 = 2.0 * xs[0];
  int64_t any_nan = 0;
  for (int64_t c = 1; c < last; c++) {
    GRADIENT_CELL
    dzdx[c] = m00[c] * gx + m01[c] * gy;
    dzdy[c] = m10[c] * gx + m11[c] * gy;
  }
  return any_nan != 0;
}

/* The same along the map's axes, signed; NaN in both where either is undefined (steps outside the CRS). */
VECTOR_CLONES
static bool gradient_signed(const double *f, const double *u, const double *d, const double *xs,
                            const double *y_up, const double *y_down, double *restrict dzdx, double *restrict dzdy,
                            int64_t last, bool uniform, double x_sign, double y_sign) {
  const double hx2 = 2.0 * xs[0];
  int64_t any_nan = 0;
  for (int64_t c = 1; c < last; c++) {
    GRADIENT_CELL
    const bool missing = (gx != gx) | (gy != gy);
    dzdx[c] = missing ? NAN : x_sign * gx;
    dzdy[c] = missing ? NAN : y_sign * gy;
  }
  return any_nan != 0;
}

typedef struct {
  const double *data;
  const double *xs;
  const double *y_up;
  const double *y_down;
  const double *m00, *m01, *m10, *m11; /* NULL without a ground frame */
  double *dzdx, *dzdy;
  int64_t b, width, o;
  bool uniform;
  double x_sign, y_sign;
} gradient_row;

static bool gradient_interior(const gradient_row *r) {
  const double *f = r->data + r->b;
  const int64_t last = r->width - 1;
  return r->m00 ? gradient_framed(f, f - r->width, f + r->width, r->xs, r->y_up, r->y_down, r->m00, r->m01,
                                  r->m10, r->m11, r->dzdx + r->o, r->dzdy + r->o, last, r->uniform)
                : gradient_signed(f, f - r->width, f + r->width, r->xs, r->y_up, r->y_down, r->dzdx + r->o,
                                  r->dzdy + r->o, last, r->uniform, r->x_sign, r->y_sign);
}

/* Whether a row call's arrays hold the row, the rows above and below, its steps and its output. */
static bool row_fits(const gradient_row *r, size_t n_data, size_t n_xs, size_t n_up, size_t n_down, size_t n_x,
                     size_t n_y, size_t n_exc) {
  const int64_t w = r->width;
  return w >= 3 && r->b >= w && (size_t)(r->b + 2 * w) <= n_data && n_xs >= (size_t)(w - 1) &&
         n_up >= (size_t)w && n_down >= (size_t)w && (size_t)(r->o + w) <= n_x && (size_t)(r->o + w) <= n_y &&
         n_exc >= (size_t)w;
}

/* The optional frame argument: undefined (missing arguments read so), or [m00, m01, m10, m11] a row long each. */
static bool frame_arg(napi_env env, napi_value frame, gradient_row *r) {
  napi_valuetype type;
  if (napi_typeof(env, frame, &type) != napi_ok) return false;
  if (type == napi_undefined) return true;
  if (type != napi_object) return false;
  const double **m[4] = {&r->m00, &r->m01, &r->m10, &r->m11};
  for (uint32_t k = 0; k < 4; k++) {
    napi_value entry;
    size_t length;
    if (napi_get_element(env, frame, k, &entry) != napi_ok ||
        !typed(env, entry, napi_float64_array, (void **)m[k], &length) || length < (size_t)r->width)
      return false;
  }
  return true;
}

/*
 * The arguments both row calls take: (data, b, width, xs, flag, yUp, yDown, dzdx, dzdy, o, xSign, ySign, exceptions,
 * frame?), `flag` being the gradient method's uniform row or the window method's Horn; false (a TypeError thrown,
 * naming `what`) if they do not fit.
 */
static bool row_call(napi_env env, napi_callback_info info, const char *what, gradient_row *r, bool *flag,
                     int32_t **exceptions) {
  napi_value argv[MAX_ARGS];
  size_t n_data, n_xs, n_up, n_down, n_x, n_y, n_exc;
  char message[128];
  if (!args(env, info, 13, argv) || !typed(env, argv[0], napi_float64_array, (void **)&r->data, &n_data) ||
      !index_arg(env, argv[1], &r->b) || !index_arg(env, argv[2], &r->width) ||
      !typed(env, argv[3], napi_float64_array, (void **)&r->xs, &n_xs) ||
      napi_get_value_bool(env, argv[4], flag) != napi_ok ||
      !typed(env, argv[5], napi_float64_array, (void **)&r->y_up, &n_up) ||
      !typed(env, argv[6], napi_float64_array, (void **)&r->y_down, &n_down) ||
      !typed(env, argv[7], napi_float64_array, (void **)&r->dzdx, &n_x) ||
      !typed(env, argv[8], napi_float64_array, (void **)&r->dzdy, &n_y) || !index_arg(env, argv[9], &r->o) ||
      !number(env, argv[10], &r->x_sign) || !number(env, argv[11], &r->y_sign) ||
      !typed(env, argv[12], napi_int32_array, (void **)exceptions, &n_exc))
    snprintf(message, sizeof message, "%s: wrong arguments", what);
  else if (!row_fits(r, n_data, n_xs, n_up, n_down, n_x, n_y, n_exc))
    snprintf(message, sizeof message, "%s: lengths do not fit", what);
  else if (!frame_arg(env, argv[13], r))
    snprintf(message, sizeof message, "%s: the frame is four Float64Arrays of a row each", what);
  else
    return true;
  fail(env, message);
  return false;
}

static napi_value gradient_interior_js(napi_env env, napi_callback_info info) {
  gradient_row r = {0};
  int32_t *exceptions;
  bool uniform = false;
  if (!row_call(env, info, "gradientInterior", &r, &uniform, &exceptions)) return NULL;
  r.uniform = uniform;
  const int64_t w = r.width;
  int32_t found = 0;
  if (gradient_interior(&r)) {
    const double *f = r.data + r.b;
    for (int64_t c = 1; c < w - 1; c++) {
      const double all = f[c] + f[c - 1] + f[c + 1] + f[c - w] + f[c + w];
      if (all != all) exceptions[found++] = (int32_t)c;
    }
  }
  napi_value result;
  napi_create_int32(env, found, &result);
  return result;
}

/* ---- gdaldem's window methods' interior cells (src/terrain/horn.ts) ---- */

/* The 3×3 window of cell c (rows u, m, d) and its differences along +column and +row; `any_nan` counts cells with
 * a NaN among the nine (the caller redoes those by the general rule). Horn weights the middle cells twice. */
#define WINDOW_CELL(HORN)                                                                                      \
  const double w4 = m[c];                                                                                     \
  const double w0 = u[c - 1], w1 = u[c], w2 = u[c + 1], w3 = m[c - 1], w5 = m[c + 1];                         \
  const double w6 = d[c - 1], w7 = d[c], w8 = d[c + 1];                                                       \
  const double sum = w0 + w1 + w2 + w3 + w5 + w6 + w7 + w8;                                                   \
  any_nan += (w4 != w4) | (sum != sum);                                                                       \
  const double d_col = HORN ? w2 + w5 + w5 + w8 - (w0 + w3 + w3 + w6) : w5 - w3;                             \
  const double d_row = HORN ? w6 + w7 + w7 + w8 - (w0 + w1 + w1 + w2) : w7 - w1;                             \
  const double a = d_col / (spans * (xs[c - 1] + xs[c]));                                                     \
  const double b = d_row / (spans * (y_up[c] + y_down[c]));

#define WINDOW_LOOPS(NAME, HORN)                                                                               \
  VECTOR_CLONES                                                                                               \
  static bool NAME##_framed(const double *u, const double *m, const double *d, const double *xs,             \
                            const double *y_up, const double *y_down, const double *m00, const double *m01,  \
                            const double *m10, const double *m11, double *restrict dzdx,                      \
                            double *restrict dzdy, int64_t last) {                                            \
    const double spans = HORN ? 4 : 1;                                                                        \
    int64_t any_nan = 0;                                                                                      \
    for (int64_t c = 1; c < last; c++) {                                                                      \
      WINDOW_CELL(HORN)                                                                                       \
      dzdx[c] = m00[c] * a + m01[c] * b;                                                                      \
      dzdy[c] = m10[c] * a + m11[c] * b;                                                                      \
    }                                                                                                         \
    return any_nan != 0;                                                                                      \
  }                                                                                                           \
  VECTOR_CLONES                                                                                               \
  static bool NAME##_signed(const double *u, const double *m, const double *d, const double *xs,             \
                            const double *y_up, const double *y_down, double *restrict dzdx,                  \
                            double *restrict dzdy, int64_t last, double x_sign, double y_sign) {              \
    const double spans = HORN ? 4 : 1;                                                                        \
    int64_t any_nan = 0;                                                                                      \
    for (int64_t c = 1; c < last; c++) {                                                                      \
      WINDOW_CELL(HORN)                                                                                       \
      dzdx[c] = x_sign * a;                                                                                   \
      dzdy[c] = y_sign * b;                                                                                   \
    }                                                                                                         \
    return any_nan != 0;                                                                                      \
  }

WINDOW_LOOPS(horn, 1)
WINDOW_LOOPS(zevenbergen_thorne, 0)

static napi_value window_interior_js(napi_env env, napi_callback_info info) {
  gradient_row r = {0};
  int32_t *exceptions;
  bool horn = false;
  if (!row_call(env, info, "windowInterior", &r, &horn, &exceptions)) return NULL;
  const int64_t w = r.width;
  const double *m = r.data + r.b;
  const double *u = m - w, *d = m + w;
  double *dzdx = r.dzdx + r.o, *dzdy = r.dzdy + r.o;
  bool any;
  if (r.m00)
    any = horn ? horn_framed(u, m, d, r.xs, r.y_up, r.y_down, r.m00, r.m01, r.m10, r.m11, dzdx, dzdy, w - 1)
               : zevenbergen_thorne_framed(u, m, d, r.xs, r.y_up, r.y_down, r.m00, r.m01, r.m10, r.m11, dzdx,
                                           dzdy, w - 1);
  else
    any = horn ? horn_signed(u, m, d, r.xs, r.y_up, r.y_down, dzdx, dzdy, w - 1, r.x_sign, r.y_sign)
               : zevenbergen_thorne_signed(u, m, d, r.xs, r.y_up, r.y_down, dzdx, dzdy, w - 1, r.x_sign, r.y_sign);
  int32_t found = 0;
  if (any) {
    for (int64_t c = 1; c < w - 1; c++) {
      const double sum = u[c - 1] + u[c] + u[c + 1] + m[c - 1] + m[c + 1] + d[c - 1] + d[c] + d[c + 1];
      if (m[c] != m[c] || sum != sum) exceptions[found++] = (int32_t)c;
    }
  }
  napi_value result;
  napi_create_int32(env, found, &result);
  return result;
}

/* ---- slope (src/terrain/slope.ts, src/terrain/atan.ts) ---- */

#define TAN_3PI_8 2.414213562373095
#define MORE_BITS 6.123233995736766e-17
#define PI 3.141592653589793

/* atanOfNonNegative: Cephes' atan for x ≥ 0, operation for operation. */
static inline double atan_non_negative(double x) {
  const bool high = x > TAN_3PI_8;
  const bool middle = !high & (x > 0.66);
  const double base = high ? PI / 2 : middle ? PI / 4 : 0;
  const double extra = high ? MORE_BITS : middle ? 0.5 * MORE_BITS : 0;
  const double reciprocal = -1 / x;
  const double turned = (x - 1) / (x + 1);
  x = high ? reciprocal : middle ? turned : x;
  const double z = x * x;
  const double p =
      (((-0.8750608600031904 * z + -16.157537187333652) * z + -75.00855792314705) * z + -122.88666844901361) *
          z +
      -64.85021904942025;
  const double q =
      ((((z + 24.858464901423062) * z + 165.02700983169885) * z + 432.88106049129027) * z + 485.3903996359137) *
          z +
      194.5506571482614;
  return base + (x * ((z * p) / q) + x + extra);
}

VECTOR_CLONES
static void slope_degrees(const double *dzdx, const double *dzdy, float *out, size_t n, double nodata) {
  const double degrees = 180 / PI;
  for (size_t i = 0; i < n; i++) {
    const double norm = sqrt(dzdx[i] * dzdx[i] + dzdy[i] * dzdy[i]);
    out[i] = (float)(norm != norm ? nodata : atan_non_negative(norm) * degrees);
  }
}

VECTOR_CLONES
static void slope_percent(const double *dzdx, const double *dzdy, float *out, size_t n, double nodata) {
  for (size_t i = 0; i < n; i++) {
    const double norm = sqrt(dzdx[i] * dzdx[i] + dzdy[i] * dzdy[i]);
    out[i] = (float)(norm != norm ? nodata : 100 * norm);
  }
}

static napi_value slope(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *dzdx, *dzdy, nodata;
  float *out;
  size_t nx, ny, no;
  bool percent = false;
  if (!args(env, info, 5, argv) || !typed(env, argv[0], napi_float64_array, (void **)&dzdx, &nx) ||
      !typed(env, argv[1], napi_float64_array, (void **)&dzdy, &ny) ||
      !typed(env, argv[2], napi_float32_array, (void **)&out, &no) || !number(env, argv[3], &nodata) ||
      napi_get_value_bool(env, argv[4], &percent) != napi_ok)
    return fail(env, "slope(dzdx: Float64Array, dzdy: Float64Array, out: Float32Array, nodata, percent)");
  if (nx < no || ny < no) return fail(env, "slope: the gradient is shorter than the output");
  (percent ? slope_percent : slope_degrees)(dzdx, dzdy, out, no, nodata);
  return NULL;
}

/* ---- aspect (src/terrain/aspect.ts) ---- */

/* arctan2: Math.atan2's quadrants and signed zeros around the same arctangent. */
static inline double arctan2(double y, double x) {
  const double angle = atan_non_negative(fabs(y) / fabs(x));
  /* Negative or −0 (signbit() would not vectorise). */
  const double turned = (x < 0) | ((x == 0) & (1 / x < 0)) ? PI - angle : angle;
  return (y < 0) | ((y == 0) & (1 / y < 0)) ? -turned : turned;
}

/* One cell's aspect; `bearing` is the grid's north bearing there (0: the gradient's +y is north). */
static inline float aspect_cell(double x, double y, double bearing, double nodata, double flat, double sign,
                                double offset) {
  const double compass = arctan2(-x, -y) + bearing;
  double a = offset + sign * compass;
  a = (a < 0) | (a >= 360) ? a - 360 * floor(a / 360) : a;
  /* Rounding to float32 can turn 359.99999999 into 360; + 0 turns −0 (due north) into 0. */
  const float f = (float)a;
  const float degrees = f >= 360 ? 0.0f : (float)((double)f + 0);
  return (x != x) | (y != y) ? (float)nodata : (x == 0) & (y == 0) ? (float)flat : degrees;
}

VECTOR_CLONES
static void aspect_cells(const double *dzdx, const double *dzdy, float *restrict out, size_t n, double nodata,
                         double flat, double sign, double offset) {
  for (size_t i = 0; i < n; i++) out[i] = aspect_cell(dzdx[i], dzdy[i], 0, nodata, flat, sign, offset);
}

VECTOR_CLONES
static void aspect_turned(const double *dzdx, const double *dzdy, const double *north_bearing,
                          float *restrict out, size_t n, double nodata, double flat, double sign, double offset) {
  for (size_t i = 0; i < n; i++)
    out[i] = aspect_cell(dzdx[i], dzdy[i], north_bearing[i], nodata, flat, sign, offset);
}

static napi_value aspect(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *dzdx, *dzdy, *north_bearing = NULL, nodata, flat;
  float *out;
  size_t nx, ny, no, nb = 0;
  bool trigonometric = false;
  napi_valuetype bearing_type;
  if (!args(env, info, 6, argv) || !typed(env, argv[0], napi_float64_array, (void **)&dzdx, &nx) ||
      !typed(env, argv[1], napi_float64_array, (void **)&dzdy, &ny) ||
      !typed(env, argv[2], napi_float32_array, (void **)&out, &no) || !number(env, argv[3], &nodata) ||
      !number(env, argv[4], &flat) || napi_get_value_bool(env, argv[5], &trigonometric) != napi_ok ||
      napi_typeof(env, argv[6], &bearing_type) != napi_ok ||
      (bearing_type != napi_undefined &&
       !typed(env, argv[6], napi_float64_array, (void **)&north_bearing, &nb)))
    return fail(env, "aspect(dzdx, dzdy: Float64Array, out: Float32Array, nodata, flat, trigonometric, "
                     "northBearing?: Float64Array)");
  if (nx < no || ny < no || (north_bearing && nb < no))
    return fail(env, "aspect: the gradient is shorter than the output");
  const double degrees = 180 / PI;
  const double sign = trigonometric ? -degrees : degrees;
  const double offset = trigonometric ? 90 : 0;
  if (north_bearing)
    aspect_turned(dzdx, dzdy, north_bearing, out, no, nodata, flat, sign, offset);
  else
    aspect_cells(dzdx, dzdy, out, no, nodata, flat, sign, offset);
  return NULL;
}

/* ---- hillshade, gdaldem's standard shading (src/terrain/hillshade.ts, regular) ---- */

/* GDAL's Float → Byte conversion: round half up in float32, clamp; NaN → 0. */
static inline uint8_t to_byte(double v) {
  const double r = floor((double)(float)v + 0.5);
  return v != v ? 0 : r < 0 ? 0 : r > 255 ? 255 : (uint8_t)r;
}

VECTOR_CLONES
static void hillshade_regular(const double *dzdx, const double *dzdy, uint8_t *restrict out, size_t n,
                              double sin254, double cos_az254, double sin_az254) {
  for (size_t i = 0; i < n; i++) {
    const double x = -dzdx[i];
    const double y = dzdy[i];
    const double c = (sin254 - (y * cos_az254 - x * sin_az254)) / sqrt(1 + x * x + y * y);
    out[i] = c != c ? 0 : to_byte(c <= 0 ? 1 : 1 + c);
  }
}

/* hillshadeRegular(dzdx, dzdy, out: Uint8Array, sin254, cosAz254, sinAz254): the constants as the caller made them. */
static napi_value hillshade_regular_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *dzdx, *dzdy, sin254, cos_az254, sin_az254;
  uint8_t *out;
  size_t nx, ny, no;
  if (!args(env, info, 6, argv) || !typed(env, argv[0], napi_float64_array, (void **)&dzdx, &nx) ||
      !typed(env, argv[1], napi_float64_array, (void **)&dzdy, &ny) ||
      !typed(env, argv[2], napi_uint8_array, (void **)&out, &no) || !number(env, argv[3], &sin254) ||
      !number(env, argv[4], &cos_az254) || !number(env, argv[5], &sin_az254))
    return fail(env, "hillshadeRegular(dzdx, dzdy: Float64Array, out: Uint8Array, sin254, cosAz254, sinAz254)");
  if (nx < no || ny < no) return fail(env, "hillshadeRegular: the gradient is shorter than the output");
  hillshade_regular(dzdx, dzdy, out, no, sin254, cos_az254, sin_az254);
  return NULL;
}

/* ---- the gradient turned to the map's axes (src/pipeline/strip-products.ts, toGridFrame) ---- */

VECTOR_CLONES
static void rotate_row(const double *e, const double *n, const double *sine, const double *cosine,
                       double *restrict x, double *restrict y, size_t count) {
  for (size_t c = 0; c < count; c++) {
    x[c] = e[c] * cosine[c] - n[c] * sine[c];
    y[c] = e[c] * sine[c] + n[c] * cosine[c];
  }
}

/* gridRotate(dzdx, dzdy, sin, cos, outX, outY, offset, count): one row's components along the grid's axes. */
static napi_value grid_rotate_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *e, *n, *sine, *cosine, *x, *y;
  size_t ne, nn, ns, nc, nx, ny;
  int64_t offset, count;
  if (!args(env, info, 8, argv) || !typed(env, argv[0], napi_float64_array, (void **)&e, &ne) ||
      !typed(env, argv[1], napi_float64_array, (void **)&n, &nn) ||
      !typed(env, argv[2], napi_float64_array, (void **)&sine, &ns) ||
      !typed(env, argv[3], napi_float64_array, (void **)&cosine, &nc) ||
      !typed(env, argv[4], napi_float64_array, (void **)&x, &nx) ||
      !typed(env, argv[5], napi_float64_array, (void **)&y, &ny) || !index_arg(env, argv[6], &offset) ||
      !index_arg(env, argv[7], &count))
    return fail(env, "gridRotate(dzdx, dzdy, sin, cos, outX, outY: Float64Array, offset, count)");
  const size_t end = (size_t)(offset + count);
  if (ne < end || nn < end || nx < end || ny < end || ns < (size_t)count || nc < (size_t)count)
    return fail(env, "gridRotate: lengths do not fit");
  rotate_row(e + offset, n + offset, sine, cosine, x + offset, y + offset, (size_t)count);
  return NULL;
}

/* ---- TRI, TPI, roughness of full windows (src/terrain/neighbourhood.ts) ---- */

enum { TRI_RILEY = 0, TRI_WILSON = 1, TPI = 2, ROUGHNESS = 3 };

static inline double f32(double v) { return (double)(float)v; }

/* demgrad's measures on a window of nine present cells (eight neighbours), in double. */
static inline double measure(int kind, const double *w) {
  const double centre = w[4];
  if (kind == TRI_RILEY || kind == TRI_WILSON) {
    double sum = 0;
    for (int k = 0; k < 9; k++) {
      /* The same infinity twice differs by NaN: left out, as a missing neighbour is. */
      const double d = w[k] - centre;
      sum += d != d ? 0 : kind == TRI_RILEY ? d * d : fabs(d);
    }
    return kind == TRI_RILEY ? sqrt((sum * 8) / 8) : sum / 8;
  }
  if (kind == TPI) {
    double sum = 0;
    for (int k = 0; k < 9; k++)
      if (k != 4) sum += w[k];
    return centre - sum / 8;
  }
  double lo = centre, hi = centre;
  for (int k = 0; k < 9; k++) {
    lo = w[k] < lo ? w[k] : lo;
    hi = w[k] > hi ? w[k] : hi;
  }
  return hi - lo;
}

/* gdaldem 3.6's measures, in its float32 steps (the window already rounded to float32). */
static inline double measure_gdaldem(int kind, const double *w) {
  const double centre = w[4];
  if (kind == TRI_RILEY) {
    double sum = 0;
    for (int k = 0; k < 9; k++) {
      const double d = f32(w[k] - centre);
      sum += d * d;
    }
    return sqrt(sum);
  }
  if (kind == TRI_WILSON) {
    double sum = 0;
    for (int k = 0; k < 9; k++)
      if (k != 4) sum = f32(sum + fabs(f32(w[k] - centre)));
    return f32(sum * 0.125);
  }
  if (kind == TPI) {
    double sum = w[0];
    for (int k = 1; k < 9; k++)
      if (k != 4) sum = f32(sum + w[k]);
    return f32(centre - f32(sum * 0.125));
  }
  double lo = centre, hi = centre;
  for (int k = 0; k < 9; k++) {
    lo = w[k] < lo ? w[k] : lo;
    hi = w[k] > hi ? w[k] : hi;
  }
  return f32(hi - lo);
}

#define NEIGHBOURHOOD_LOOP(KIND, GDALDEM)                                                                      \
  for (int64_t c = from; c < to; c++) {                                                                       \
    const double *m = data + mid + c;                                                                         \
    double w[9] = {m[-stride - 1], m[-stride], m[-stride + 1], m[-1], m[0], m[1],                             \
                   m[stride - 1],  m[stride],  m[stride + 1]};                                                \
    const double sum = w[0] + w[1] + w[2] + w[3] + w[5] + w[6] + w[7] + w[8];                                 \
    any_nan += sum != sum;                                                                                    \
    if (GDALDEM)                                                                                              \
      for (int k = 0; k < 9; k++) w[k] = f32(w[k]);                                                           \
    const double value = (GDALDEM ? measure_gdaldem(KIND, w) : measure(KIND, w)) * scale;                    \
    out[c - x] = w[4] != w[4] ? (float)nodata : (float)value;                                                 \
  }

#define NEIGHBOURHOOD_ROW(NAME, KIND, GDALDEM)                                                                 \
  VECTOR_CLONES                                                                                               \
  static bool NAME(const double *data, int64_t stride, int64_t mid, int64_t x, int64_t from, int64_t to,     \
                   double scale, double nodata, float *restrict out) {                                        \
    int64_t any_nan = 0;                                                                                      \
    NEIGHBOURHOOD_LOOP(KIND, GDALDEM)                                                                         \
    return any_nan != 0;                                                                                      \
  }

NEIGHBOURHOOD_ROW(riley_row, TRI_RILEY, 0)
NEIGHBOURHOOD_ROW(wilson_row, TRI_WILSON, 0)
NEIGHBOURHOOD_ROW(tpi_row, TPI, 0)
NEIGHBOURHOOD_ROW(roughness_row, ROUGHNESS, 0)
NEIGHBOURHOOD_ROW(riley_row_gdaldem, TRI_RILEY, 1)
NEIGHBOURHOOD_ROW(wilson_row_gdaldem, TRI_WILSON, 1)
NEIGHBOURHOOD_ROW(tpi_row_gdaldem, TPI, 1)
NEIGHBOURHOOD_ROW(roughness_row_gdaldem, ROUGHNESS, 1)

typedef bool (*neighbourhood_row)(const double *, int64_t, int64_t, int64_t, int64_t, int64_t, double, double,
                                  float *restrict);
static const neighbourhood_row NEIGHBOURHOOD_ROWS[2][4] = {
    {riley_row, wilson_row, tpi_row, roughness_row},
    {riley_row_gdaldem, wilson_row_gdaldem, tpi_row_gdaldem, roughness_row_gdaldem},
};

/*
 * neighbourhoodRow(data, stride, mid, x, from, to, kind, gdaldem, scale, nodata, out, exceptions) -> n: the cells
 * of columns [from, to) of the strip row at offset `mid` (rows above and below present, 1 ≤ from, to ≤ stride − 1)
 * into out[c − x], nodata where the centre is; cells with a missing neighbour are listed in `exceptions`.
 */
static napi_value neighbourhood_row_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *data, scale, nodata;
  float *out;
  int32_t *exceptions;
  size_t n_data, n_out, n_exc;
  int64_t stride, mid, x, from, to, kind;
  bool gdaldem = false;
  if (!args(env, info, 12, argv) || !typed(env, argv[0], napi_float64_array, (void **)&data, &n_data) ||
      !index_arg(env, argv[1], &stride) || !index_arg(env, argv[2], &mid) || !index_arg(env, argv[3], &x) ||
      !index_arg(env, argv[4], &from) || !index_arg(env, argv[5], &to) || !index_arg(env, argv[6], &kind) ||
      napi_get_value_bool(env, argv[7], &gdaldem) != napi_ok || !number(env, argv[8], &scale) ||
      !number(env, argv[9], &nodata) || !typed(env, argv[10], napi_float32_array, (void **)&out, &n_out) ||
      !typed(env, argv[11], napi_int32_array, (void **)&exceptions, &n_exc))
    return fail(env, "neighbourhoodRow: wrong arguments");
  if (kind > 3 || from < 1 || to > stride - 1 || from > to || from < x || mid < stride ||
      (size_t)(mid + 2 * stride) > n_data || (size_t)(to - x) > n_out || (size_t)(to - from) > n_exc)
    return fail(env, "neighbourhoodRow: lengths do not fit");
  int32_t found = 0;
  if (NEIGHBOURHOOD_ROWS[gdaldem][kind](data, stride, mid, x, from, to, scale, nodata, out)) {
    for (int64_t c = from; c < to; c++) {
      const double *m = data + mid + c;
      const double sum = m[-stride - 1] + m[-stride] + m[-stride + 1] + m[-1] + m[1] + m[stride - 1] +
                         m[stride] + m[stride + 1];
      if (sum != sum && m[0] == m[0]) exceptions[found++] = (int32_t)c;
    }
  }
  napi_value result;
  napi_create_int32(env, found, &result);
  return result;
}

/* ---- colour relief (src/terrain/colour-relief.ts, src/terrain/colour-table.ts) ---- */

enum { INTERPOLATE = 0, EXACT = 1, NEAREST = 2, DISCRETE = 3 };
#define NONE (-1)

/* entryFor: the entry whose colour `value` takes (≥ 0), NONE, or −(i + 2) to interpolate between i − 1 and i. */
static inline int64_t entry_for(const double *values, int64_t size, double value, int selection, bool ascending) {
  int64_t lower = 0;
  if (values[0] != values[0]) {
    if (value != value) return 0;
    lower = 1;
  }
  /* The first entry not below the value (comparisons with NaN fail: a NaN value lands past the end). */
  int64_t upper = size - 1;
  int64_t i;
  if (ascending && size - lower <= 64 && value == value) {
    /* Entries ascend (no NaN after the first), so the first not below follows the count of those below: no
     * branch to mispredict on short tables. */
    int64_t below = 0;
    for (int64_t j = lower; j < size; j++) below += values[j] < value;
    i = lower + below;
  } else
    for (;;) {
    if (upper - lower <= 1) {
      i = value <= values[lower] ? lower : value <= values[upper] ? upper : upper + 1;
      break;
    }
    const int64_t mid = (lower + upper) >> 1;
    if (values[mid] >= value)
      upper = mid;
    else
      lower = mid;
  }
  if (selection == DISCRETE) return i < size ? i : NONE;
  if (i == 0) return selection == EXACT && values[0] != value ? NONE : 0;
  if (i == size) return selection == EXACT && values[size - 1] != value ? NONE : size - 1;
  if (values[i - 1] == value) return i - 1;
  if (values[i] == value) return i;
  if (selection == EXACT) return NONE;
  if (selection == NEAREST) return value - values[i - 1] < values[i] - value ? i - 1 : i;
  if (values[i - 1] != values[i - 1]) return i;
  return -(i + 2);
}

/* colourOf: the RGBA of `value`; between two entries each component trunc(0.45 + c0 + t·(c1 − c0)), clamped. */
static inline void colour_of(const double *values, const uint8_t *rgba, int64_t size, double value, int selection,
                      bool ascending, uint8_t *out) {
  const int64_t k = entry_for(values, size, value, selection, ascending);
  if (k >= 0) {
    for (int c = 0; c < 4; c++) out[c] = rgba[k * 4 + c];
  } else if (k == NONE) {
    for (int c = 0; c < 4; c++) out[c] = 0;
  } else {
    const int64_t i = -k - 2;
    const double t = (value - values[i - 1]) / (values[i] - values[i - 1]);
    for (int c = 0; c < 4; c++) {
      const double c0 = rgba[(i - 1) * 4 + c];
      const double c1 = rgba[i * 4 + c];
      const double v = trunc(0.45 + c0 + t * (c1 - c0));
      /* As a Uint8Array stores Math.min(255, Math.max(0, v)): NaN becomes 0. */
      out[c] = v != v ? 0 : v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v;
    }
  }
}

/* The cells' colours into the bands (alpha optional); with AVX2, trunc and floor are single instructions. */
VECTOR_CLONES
static void colour_cells(const double *data, int64_t stride, int64_t first_row, int64_t rows, int64_t x,
                         int64_t width, const double *values, const uint8_t *rgba, int64_t size, int selection,
                         bool ascending, const uint8_t *nodata_colour, uint8_t *const *band) {
  /* DEMs repeat their elevations (integers, most of them): the colours of the last 4096 distinct float32 values
   * are kept, keyed by their bits (a NaN key never matches: NaN cells take the nodata colour). */
  enum { CACHE_BITS = 12 };
  static _Thread_local uint32_t keys[1 << CACHE_BITS];
  static _Thread_local uint8_t colours[(1 << CACHE_BITS) * 4];
  for (int j = 0; j < 1 << CACHE_BITS; j++) keys[j] = 0x7fc00001u;
  uint8_t *restrict red = band[0], *restrict green = band[1], *restrict blue = band[2], *restrict alpha = band[3];
  for (int64_t k = 0; k < rows; k++) {
    const double *from = data + (first_row + k) * stride + x;
    const size_t to = (size_t)(k * width);
    for (int64_t c = 0; c < width; c++) {
      const double value = from[c];
      const uint8_t *chosen = nodata_colour;
      if (value == value) {
        const float single = (float)value;
        uint32_t bits;
        memcpy(&bits, &single, sizeof bits);
        const uint32_t slot = (bits * 2654435761u) >> (32 - CACHE_BITS);
        chosen = colours + slot * 4;
        if (keys[slot] != bits) {
          colour_of(values, rgba, size, single, selection, ascending, colours + slot * 4);
          keys[slot] = bits;
        }
      }
      red[to + c] = chosen[0];
      green[to + c] = chosen[1];
      blue[to + c] = chosen[2];
      if (alpha) alpha[to + c] = chosen[3];
    }
  }
}

/*
 * colourRelief(data, stripWidth, firstRow, rows, x, width, values, rgba, selection, nodataColour, red, green, blue,
 * alpha?): each cell's colour (elevations rounded to float32 first, NaN cells the nodata colour) into the bands.
 */
static napi_value colour_relief_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double *data, *values;
  uint8_t *rgba, *nodata_colour, *band[4] = {NULL, NULL, NULL, NULL};
  size_t n_data, n_values, n_rgba, n_nodata, n_band[4] = {0, 0, 0, 0};
  int64_t stride, first_row, rows, x, width, selection;
  napi_valuetype alpha_type;
  if (!args(env, info, 13, argv) || !typed(env, argv[0], napi_float64_array, (void **)&data, &n_data) ||
      !index_arg(env, argv[1], &stride) || !index_arg(env, argv[2], &first_row) ||
      !index_arg(env, argv[3], &rows) || !index_arg(env, argv[4], &x) || !index_arg(env, argv[5], &width) ||
      !typed(env, argv[6], napi_float64_array, (void **)&values, &n_values) ||
      !typed(env, argv[7], napi_uint8_array, (void **)&rgba, &n_rgba) || !index_arg(env, argv[8], &selection) ||
      !typed(env, argv[9], napi_uint8_array, (void **)&nodata_colour, &n_nodata) ||
      !typed(env, argv[10], napi_uint8_array, (void **)&band[0], &n_band[0]) ||
      !typed(env, argv[11], napi_uint8_array, (void **)&band[1], &n_band[1]) ||
      !typed(env, argv[12], napi_uint8_array, (void **)&band[2], &n_band[2]) ||
      napi_typeof(env, argv[13], &alpha_type) != napi_ok ||
      (alpha_type != napi_undefined && !typed(env, argv[13], napi_uint8_array, (void **)&band[3], &n_band[3])))
    return fail(env, "colourRelief: wrong arguments");
  const size_t cells = (size_t)(rows * width);
  if (n_values < 1 || n_rgba < 4 * n_values || n_nodata < 4 || selection > 3 || x + width > stride ||
      (size_t)((first_row + rows) * stride) > n_data || n_band[0] < cells || n_band[1] < cells ||
      n_band[2] < cells || (band[3] && n_band[3] < cells))
    return fail(env, "colourRelief: lengths do not fit");
  /* A table of an infinite or NaN range is not in order: then only the binary search gives JavaScript's answer. */
  bool ascending = true;
  for (size_t j = values[0] != values[0] ? 2 : 1; j < n_values; j++) ascending &= values[j] >= values[j - 1];
  colour_cells(data, stride, first_row, rows, x, width, values, rgba, (int64_t)n_values, (int)selection, ascending,
               nodata_colour, band);
  return NULL;
}

/* Math.round for the non-negative products of shadeColours: half-way rounds up, as V8's. */
static inline double round_half_up(double v) {
  const double r = floor(v);
  return v - r >= 0.5 ? r + 1 : r;
}

VECTOR_CLONES
static void shade_band(uint8_t *restrict band, const uint8_t *shade, const double *factors, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const uint8_t s = shade[i];
    const double v = round_half_up(band[i] * factors[s]);
    const uint8_t shaded = v != v ? 0 : v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v;
    band[i] = s != 0 ? shaded : band[i];
  }
}

/* shadeColours(band, shade, factors): band[i] = Math.round(band[i] · factors[shade[i]]) where the shade is not 0. */
static napi_value shade_colours_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *band, *shade;
  double *factors;
  size_t n_band, n_shade, n_factors;
  if (!args(env, info, 3, argv) || !typed(env, argv[0], napi_uint8_array, (void **)&band, &n_band) ||
      !typed(env, argv[1], napi_uint8_array, (void **)&shade, &n_shade) ||
      !typed(env, argv[2], napi_float64_array, (void **)&factors, &n_factors))
    return fail(env, "shadeColours(band: Uint8Array, shade: Uint8Array, factors: Float64Array)");
  if (n_factors < 256 || n_band < n_shade) return fail(env, "shadeColours: lengths do not fit");
  shade_band(band, shade, factors, n_shade);
  return NULL;
}

/* ---- overviews: the mean of each 2×2 block of float samples (src/io/overviews.ts, RowReducer.mean) ---- */

VECTOR_CLONES
static void mean_row(const float *top, const float *bottom, float *restrict out, int64_t source_width,
                     int64_t width, bool has_nodata, double nodata, double fill) {
  const int64_t last = source_width - 1;
  for (int64_t i = 0; i < width; i++) {
    const int64_t x0 = 2 * i;
    const int64_t x1 = x0 < last ? x0 + 1 : x0;
    double sum = 0;
    int n = 0;
    /* Cells in the order top left, top right, bottom left, bottom right; NaN and nodata are left out. */
    const double cells[4] = {top[x0], top[x1], bottom ? bottom[x0] : NAN, bottom ? bottom[x1] : NAN};
    const bool pair = x1 != x0;
    for (int k = 0; k < 4; k++) {
      const double v = cells[k];
      const bool counted = (v == v) & !(has_nodata & (v == nodata)) & ((k % 2 == 0) | pair);
      sum = counted ? sum + v : sum;
      n += counted;
    }
    out[i] = (float)(n == 0 ? fill : sum / n);
  }
}

/* meanRow(top, bottom | undefined, out, nodata | undefined): Float32Arrays; out holds ceil(top.length / 2). */
static napi_value mean_row_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  float *top, *bottom = NULL, *out;
  size_t n_top, n_bottom = 0, n_out;
  double nodata = 0;
  napi_valuetype bottom_type, nodata_type;
  if (!args(env, info, 3, argv) || !typed(env, argv[0], napi_float32_array, (void **)&top, &n_top) ||
      napi_typeof(env, argv[1], &bottom_type) != napi_ok ||
      (bottom_type != napi_undefined && !typed(env, argv[1], napi_float32_array, (void **)&bottom, &n_bottom)) ||
      !typed(env, argv[2], napi_float32_array, (void **)&out, &n_out) ||
      napi_typeof(env, argv[3], &nodata_type) != napi_ok ||
      (nodata_type != napi_undefined && !number(env, argv[3], &nodata)))
    return fail(env, "meanRow(top: Float32Array, bottom?: Float32Array, out: Float32Array, nodata?)");
  const size_t width = (n_top + 1) / 2;
  if (n_top < 1 || (bottom && n_bottom < n_top) || n_out < width) return fail(env, "meanRow: lengths do not fit");
  const bool has_nodata = nodata_type != napi_undefined;
  mean_row(top, bottom, out, (int64_t)n_top, (int64_t)width, has_nodata, nodata, has_nodata ? nodata : NAN);
  return NULL;
}

/* The circular mean's sums (src/io/overviews.ts, accumulate): each angle's sine and cosine from the nearest of
 * 4096 table angles (interleaved sin, cos) turned by the rest, whose sine and cosine are Taylor series. */
typedef struct {
  double s, c, first;
  int n;
} circular_sums;

#define STEPS 4096

static inline void accumulate(circular_sums *acc, double v, bool has_nodata, double nodata, const double *table) {
  if (v != v || (has_nodata && v == nodata)) return;
  if (acc->n++ == 0) acc->first = v;
  /* Aspect lies in [0, 360); other angles are wrapped first (fmod is JavaScript's %). */
  const double t = (v >= 0 && v < 360 ? v : fmod(fmod(v, 360) + 360, 360)) * ((double)STEPS / 360);
  if (!isfinite(t)) {
    acc->s += NAN;
    acc->c += NAN;
    return;
  }
  const double j = floor(t + 0.5);
  const double d = (t - j) * ((2 * PI) / STEPS);
  const double d2 = d * d;
  const double sd = d * (1 + d2 * (-1.0 / 6 + d2 * (1.0 / 120)));
  const double cd = 1 + d2 * (-0.5 + d2 * (1.0 / 24 + d2 * (-1.0 / 720)));
  const size_t i = (size_t)j;
  const double sj = table[2 * i], cj = table[2 * i + 1];
  acc->s += sj * cd + cj * sd;
  acc->c += cj * cd - sj * sd;
}

/* The circular mean of one output cell from its sums, as RowReducer.circularMean. */
static inline float circular_result(circular_sums acc, double fill) {
  /* Opposite directions have no mean direction: the first valid cell's. */
  const bool none = acc.s * acc.s + acc.c * acc.c < 1e-12 * acc.n * acc.n;
  const double degrees = (arctan2(acc.s, acc.c) * 180) / PI;
  const double wrapped = degrees < 0 ? degrees + 360 : degrees;
  const float mean = (float)wrapped >= 360 ? 0.0f : (float)wrapped;
  return acc.n == 0 ? (float)fill : none ? (float)acc.first : mean;
}

static void circular_mean_scalar(const float *top, const float *bottom, float *out, size_t n_top, size_t width,
                                 bool has_nodata, double nodata, double fill, const double *table) {
  const size_t last = n_top - 1;
  for (size_t i = 0; i < width; i++) {
    const size_t x0 = 2 * i;
    const size_t x1 = x0 < last ? x0 + 1 : x0;
    circular_sums acc = {0, 0, 0, 0};
    accumulate(&acc, top[x0], has_nodata, nodata, table);
    if (x1 != x0) accumulate(&acc, top[x1], has_nodata, nodata, table);
    if (bottom) {
      accumulate(&acc, bottom[x0], has_nodata, nodata, table);
      if (x1 != x0) accumulate(&acc, bottom[x1], has_nodata, nodata, table);
    }
    out[i] = circular_result(acc, fill);
  }
}

/* One direction in [0, 360) or NaN/nodata, added to the sums without a branch (for vector code). */
static inline void add_direction(circular_sums *acc, double v, bool counted, bool has_nodata, double nodata,
                                 const double *table) {
  const bool valid = counted & (v == v) & !(has_nodata & (v == nodata));
  const double t = (valid ? v : 0) * ((double)STEPS / 360);
  const double j = floor(t + 0.5);
  const double d = (t - j) * ((2 * PI) / STEPS);
  const double d2 = d * d;
  const double sd = d * (1 + d2 * (-1.0 / 6 + d2 * (1.0 / 120)));
  const double cd = 1 + d2 * (-0.5 + d2 * (1.0 / 24 + d2 * (-1.0 / 720)));
  const int32_t i = (int32_t)j;
  const double sj = table[2 * i], cj = table[2 * i + 1];
  acc->first = valid & (acc->n == 0) ? v : acc->first;
  acc->s = valid ? acc->s + (sj * cd + cj * sd) : acc->s;
  acc->c = valid ? acc->c + (cj * cd - sj * sd) : acc->c;
  acc->n += valid;
}

/* Whether the vector loop can take `v`: a direction in [0, 360), NaN or nodata. */
static inline bool direction_fits(double v, bool has_nodata, double nodata) {
  return (v >= 0 && v < 360) || v != v || (has_nodata && v == nodata);
}

/* Output cell i from the 2×2 block at column 2i (the last column of an odd row alone: `pair` false). */
static inline float circular_cell(const float *top, const float *bottom, size_t i, bool pair, bool has_nodata,
                                  double nodata, double fill, const double *table) {
  const size_t x0 = 2 * i;
  const size_t x1 = pair ? x0 + 1 : x0;
  circular_sums acc = {0, 0, 0, 0};
  add_direction(&acc, top[x0], true, has_nodata, nodata, table);
  add_direction(&acc, top[x1], pair, has_nodata, nodata, table);
  if (bottom) {
    add_direction(&acc, bottom[x0], true, has_nodata, nodata, table);
    add_direction(&acc, bottom[x1], pair, has_nodata, nodata, table);
  }
  return circular_result(acc, fill);
}

/* Whole 2×2 blocks in vector code (BOTTOM: a row pair, else a last row alone). */
#define CIRCULAR_MEAN_LOOP(BOTTOM)                                                                             \
  for (size_t i = 0; i < pairs; i++) {                                                                        \
    circular_sums acc = {0, 0, 0, 0};                                                                         \
    add_direction(&acc, top[2 * i], true, has_nodata, nodata, table);                                        \
    add_direction(&acc, top[2 * i + 1], true, has_nodata, nodata, table);                                    \
    if (BOTTOM) {                                                                                             \
      add_direction(&acc, bottom[2 * i], true, has_nodata, nodata, table);                                   \
      add_direction(&acc, bottom[2 * i + 1], true, has_nodata, nodata, table);                               \
    }                                                                                                         \
    out[i] = circular_result(acc, fill);                                                                      \
  }

VECTOR_CLONES
static void circular_mean_pair(const float *top, const float *bottom, float *restrict out, size_t pairs,
                               bool has_nodata, double nodata, double fill, const double *table) {
  CIRCULAR_MEAN_LOOP(1)
}

VECTOR_CLONES
static void circular_mean_single(const float *top, float *restrict out, size_t pairs, bool has_nodata,
                                 double nodata, double fill, const double *table) {
  const float *bottom = NULL;
  (void)bottom;
  CIRCULAR_MEAN_LOOP(0)
}

/* circularMeanRow(top, bottom | undefined, out, nodata | undefined, table): RowReducer.circularMean. */
static napi_value circular_mean_row_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  float *top, *bottom = NULL, *out;
  double *table, nodata = 0;
  size_t n_top, n_bottom = 0, n_out, n_table;
  napi_valuetype bottom_type, nodata_type;
  if (!args(env, info, 5, argv) || !typed(env, argv[0], napi_float32_array, (void **)&top, &n_top) ||
      napi_typeof(env, argv[1], &bottom_type) != napi_ok ||
      (bottom_type != napi_undefined && !typed(env, argv[1], napi_float32_array, (void **)&bottom, &n_bottom)) ||
      !typed(env, argv[2], napi_float32_array, (void **)&out, &n_out) ||
      napi_typeof(env, argv[3], &nodata_type) != napi_ok ||
      (nodata_type != napi_undefined && !number(env, argv[3], &nodata)) ||
      !typed(env, argv[4], napi_float64_array, (void **)&table, &n_table))
    return fail(env, "circularMeanRow(top, bottom?, out: Float32Array, nodata?, table: Float64Array)");
  const size_t width = (n_top + 1) / 2;
  if (n_top < 1 || (bottom && n_bottom < n_top) || n_out < width || n_table < 2 * (STEPS + 1))
    return fail(env, "circularMeanRow: lengths do not fit");
  const bool has_nodata = nodata_type != napi_undefined;
  const double fill = has_nodata ? nodata : NAN;
  /* Directions outside [0, 360) (not aspect's) are wrapped one by one; aspect rows take the vector loop. */
  bool in_range = true;
  for (size_t i = 0; i < n_top; i++) {
    in_range &= direction_fits(top[i], has_nodata, nodata);
    if (bottom) in_range &= direction_fits(bottom[i], has_nodata, nodata);
  }
  if (in_range)
  {
    const size_t pairs = n_top / 2;
    if (bottom)
      circular_mean_pair(top, bottom, out, pairs, has_nodata, nodata, fill, table);
    else
      circular_mean_single(top, out, pairs, has_nodata, nodata, fill, table);
    if (width > pairs) out[pairs] = circular_cell(top, bottom, pairs, false, has_nodata, nodata, fill, table);
  }
  else
    circular_mean_scalar(top, bottom, out, n_top, width, has_nodata, nodata, fill, table);
  return NULL;
}

/* ---- TIFF floating-point predictor of one tile of 4-byte samples (src/io/tiff-compress.ts) ---- */

VECTOR_CLONES
static void float32_predict(const uint32_t *words, int64_t stride, int64_t x0, int64_t size, uint8_t *out) {
  for (int64_t r = 0; r < size; r++) {
    const uint32_t *row = words + r * stride + x0;
    uint8_t *p0 = out + r * size * 4;
    uint8_t *p1 = p0 + size;
    uint8_t *p2 = p1 + size;
    uint8_t *p3 = p2 + size;
    const uint32_t first = row[0];
    const uint32_t last = row[size - 1];
    p0[0] = (uint8_t)(first >> 24);
    p1[0] = (uint8_t)(((first >> 16) & 255) - (last >> 24));
    p2[0] = (uint8_t)(((first >> 8) & 255) - ((last >> 16) & 255));
    p3[0] = (uint8_t)((first & 255) - ((last >> 8) & 255));
    for (int64_t c = 1; c < size; c++) {
      const uint32_t v = row[c];
      const uint32_t previous = row[c - 1];
      p0[c] = (uint8_t)((v >> 24) - (previous >> 24));
      p1[c] = (uint8_t)((v >> 16) - (previous >> 16));
      p2[c] = (uint8_t)((v >> 8) - (previous >> 8));
      p3[c] = (uint8_t)(v - previous);
    }
  }
}

static napi_value float32_predict_js(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint32_t *words;
  uint8_t *out;
  size_t nw, no;
  int64_t stride, x0, size;
  if (!args(env, info, 5, argv) || !typed(env, argv[0], napi_uint32_array, (void **)&words, &nw) ||
      !index_arg(env, argv[1], &stride) || !index_arg(env, argv[2], &x0) || !index_arg(env, argv[3], &size) ||
      !typed(env, argv[4], napi_uint8_array, (void **)&out, &no))
    return fail(env, "float32Predict(words: Uint32Array, stride, x0, size, out: Uint8Array)");
  if (size < 1 || x0 + size > stride || (size_t)((size - 1) * stride + x0 + size) > nw ||
      (size_t)(size * size * 4) > no)
    return fail(env, "float32Predict: lengths do not fit");
  float32_predict(words, stride, x0, size, out);
  return NULL;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"lerp", NULL, lerp, NULL, NULL, NULL, napi_default, NULL},
      {"gradientInterior", NULL, gradient_interior_js, NULL, NULL, NULL, napi_default, NULL},
      {"windowInterior", NULL, window_interior_js, NULL, NULL, NULL, napi_default, NULL},
      {"slope", NULL, slope, NULL, NULL, NULL, napi_default, NULL},
      {"aspect", NULL, aspect, NULL, NULL, NULL, napi_default, NULL},
      {"hillshadeRegular", NULL, hillshade_regular_js, NULL, NULL, NULL, napi_default, NULL},
      {"gridRotate", NULL, grid_rotate_js, NULL, NULL, NULL, napi_default, NULL},
      {"neighbourhoodRow", NULL, neighbourhood_row_js, NULL, NULL, NULL, napi_default, NULL},
      {"colourRelief", NULL, colour_relief_js, NULL, NULL, NULL, napi_default, NULL},
      {"shadeColours", NULL, shade_colours_js, NULL, NULL, NULL, napi_default, NULL},
      {"meanRow", NULL, mean_row_js, NULL, NULL, NULL, napi_default, NULL},
      {"circularMeanRow", NULL, circular_mean_row_js, NULL, NULL, NULL, napi_default, NULL},
      {"float32Predict", NULL, float32_predict_js, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
