#!/usr/bin/env python3
"""Regenerates test/fixtures/curvature/: quadric surfaces in true ground metres on four grids, and their curvatures
computed analytically here (numpy, GDAL/PROJ), the independent truth for demgrad's curvature product
(run: /usr/bin/python3 test/products/make-curvature-fixtures.py — the python with GDAL's bindings).

Each surface is z = z0 + p0 e + q0 n + r e²/2 + s e n + t n²/2, with (e, n) the ground east/north metres of a pixel
centre in the azimuthal equidistant frame centred at the grid's centre on the CRS's own ellipsoid (PROJ's aeqd:
geodesic distance and azimuth from the centre, the geodesic normal coordinates of the ellipsoid there). Over the
few kilometres of a fixture that frame is metric to 1e-7 and its Christoffel symbols are below 1e-10 per metre, so
the Hessian of z in (e, n) is the surface's true Hessian on the ground at every pixel to better than 1e-6 of its
size. The frame is turned from each pixel's own east/north by the meridian convergence between the two, which none
of the seven curvatures depends on (they are invariant under rotations of the horizontal frame).

Per grid it writes <grid>.f32.tif (the DEM as Float32, as DEMs are stored), <grid>.f64.tif (Float64: what is left
of the error is the method's own), <grid>.truth.tif (the seven curvatures, Float32, band order of TYPES) and, for
every grid, a manifest cases.json with the surface's coefficients and the slope range. plane.f32.tif is a tilted
plane (every curvature 0) on the UTM grid.
"""
import json
import pathlib

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "curvature"
TYPES = ["profile", "tangential", "plan", "mean", "gaussian", "minimal", "maximal"]
SIZE = 100
Z0 = 700.0
MODIS = "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs"


def srs_of(definition):
    srs = osr.SpatialReference()
    if definition.startswith("EPSG:"):
        srs.ImportFromEPSG(int(definition[5:]))
    else:
        srs.ImportFromProj4(definition)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


# name: CRS, centre (lon, lat), pixel size in CRS units (x, y), and the surface: p0, q0, the principal second
# derivatives λ1, λ2 (times the grid's half-width in metres) and the angle of λ1's axis from east (degrees). Every
# surface keeps its two principal values apart (no umbilic point, where the minimal and maximal curvatures would be
# ill-conditioned) and far enough from each other's negative that every curvature type has a fair size somewhere.
GRIDS = {
    # Conformal, 3.5° east of the central meridian: grid north 2.6° off true north, scale varying across the grid.
    # A dome.
    "utm": ("EPSG:32633", (18.5, 47.0), (30.0, 30.0), (0.25, -0.30, -0.18, -0.09, 20)),
    # Parallels curve on the ground (geodesic curvature tan φ / N) and x steps shrink northwards. A saddle.
    "geographic": ("EPSG:4326", (10.03, 60.02), (0.0005, 0.00025), (-0.30, 0.20, 0.18, -0.07, -35)),
    # k ≈ 2 and changing by 5e-6 per pixel northwards: non-uniform y steps and curved rows. A bowl.
    "mercator": ("EPSG:3857", (10.05, 60.0), (60.0, 60.0), (0.10, 0.35, 0.16, 0.08, 60)),
    # Not conformal: at 60°E 55°N the grid's columns lean 40° from perpendicular to its rows on the ground (MODIS
    # sphere). A dome.
    "sinusoidal": (MODIS, (60.0, 55.0), (60.0, 60.0), (0.30, 0.25, -0.17, -0.08, -70)),
}


def second_derivatives(l1, l2, degrees):
    """r, s, t of the quadratic form with principal values l1 (along `degrees` from east) and l2."""
    a = np.radians(degrees)
    rotation = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    h = rotation @ np.diag([l1, l2]) @ rotation.T
    return h[0, 0], h[0, 1], h[1, 1]


def geotransform(srs, centre, pixel):
    to_map = osr.CoordinateTransformation(srs.CloneGeogCS(), srs)
    x, y, _ = to_map.TransformPoint(*centre)
    return [x - SIZE / 2 * pixel[0], pixel[0], 0.0, y + SIZE / 2 * pixel[1], 0.0, -pixel[1]]


def ground_frame(srs, gt):
    """e, n (metres) of every pixel centre in the azimuthal equidistant frame at the grid's centre."""
    geog = srs.CloneGeogCS()
    to_lonlat = osr.CoordinateTransformation(srs, geog)
    centre = to_lonlat.TransformPoint(gt[0] + SIZE / 2 * gt[1], gt[3] + SIZE / 2 * gt[5])
    aeqd = osr.SpatialReference()
    aeqd.CopyGeogCSFrom(geog)
    aeqd.SetAE(centre[1], centre[0], 0, 0)
    aeqd.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_aeqd = osr.CoordinateTransformation(srs, aeqd)
    cols, rows = np.meshgrid(np.arange(SIZE) + 0.5, np.arange(SIZE) + 0.5)
    x = gt[0] + cols * gt[1]
    y = gt[3] + rows * gt[5]
    points = to_aeqd.TransformPoints(np.stack([x.ravel(), y.ravel()], axis=1))
    en = np.array(points)[:, :2].reshape(SIZE, SIZE, 2)
    return en[..., 0], en[..., 1]


def curvatures(p, q, r, s, t):
    """Florinsky's seven curvatures (convex positive), issue 15's formulas."""
    w = p * p + q * q
    big_w = 1 + w
    profile = -(p * p * r + 2 * p * q * s + q * q * t) / (w * big_w**1.5)
    horizontal = -(q * q * r - 2 * p * q * s + p * p * t)
    tangential = horizontal / (w * big_w**0.5)
    plan = horizontal / w**1.5
    mean = -((1 + q * q) * r - 2 * p * q * s + (1 + p * p) * t) / (2 * big_w**1.5)
    gaussian = (r * t - s * s) / big_w**2
    root = np.sqrt(mean * mean - gaussian)
    return [profile, tangential, plan, mean, gaussian, mean - root, mean + root]


def write(path, srs, gt, bands, data_type, descriptions=None):
    options = ["COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=9"]
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), SIZE, SIZE, len(bands), data_type, options)
    dataset.SetGeoTransform(gt)
    dataset.SetProjection(srs.ExportToWkt())
    for i, values in enumerate(bands):
        band = dataset.GetRasterBand(i + 1)
        band.WriteArray(values)
        if descriptions:
            band.SetDescription(descriptions[i])
    dataset.FlushCache()
    dataset = None


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (definition, centre, pixel, (p0, q0, l1, l2, degrees)) in GRIDS.items():
        srs = srs_of(definition)
        gt = geotransform(srs, centre, pixel)
        e, n = ground_frame(srs, gt)
        half = (e.max() - e.min()) / 2
        r, s, t = (v / half for v in second_derivatives(l1, l2, degrees))
        z = Z0 + p0 * e + q0 * n + r * e * e / 2 + s * e * n + t * n * n / 2
        p = p0 + r * e + s * n
        q = q0 + s * e + t * n
        slope = np.degrees(np.arctan(np.hypot(p, q)))
        assert 5 <= slope.min() and slope.max() <= 35, (name, slope.min(), slope.max())
        write(OUT / f"{name}.f32.tif", srs, gt, [z], gdal.GDT_Float32)
        write(OUT / f"{name}.f64.tif", srs, gt, [z], gdal.GDT_Float64)
        truth = curvatures(p, q, r, s, t)
        write(OUT / f"{name}.truth.tif", srs, gt, truth, gdal.GDT_Float32, TYPES)
        manifest[name] = {
            "crs": definition,
            "centre": centre,
            "pixel": pixel,
            "groundPixel": [
                round(float(np.median(np.hypot(np.diff(e, axis=1), np.diff(n, axis=1)))), 3),
                round(float(np.median(np.hypot(np.diff(e, axis=0), np.diff(n, axis=0)))), 3),
            ],
            "surface": {"z0": Z0, "p0": p0, "q0": q0, "r": r, "s": s, "t": t, "principal": [l1 / half, l2 / half]},
            "slope": [round(float(slope.min()), 2), round(float(slope.max()), 2)],
        }
        if name == "utm":
            plane = Z0 + p0 * e + q0 * n
            write(OUT / "plane.f32.tif", srs, gt, [plane], gdal.GDT_Float32)
    manifest = {"types": TYPES, "size": SIZE, "grids": manifest}
    (OUT / "cases.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
