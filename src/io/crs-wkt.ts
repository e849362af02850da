/**
 * A CRS without an EPSG code as WKT1 (GDAL's flavour), for the PNG's `.aux.xml`: built from the GeoKeys and the
 * reader's proj4 definition so that GDAL reads back the CRS it reads from the source GeoTIFF. A proj4 string is
 * not enough: GDAL names the datum of a proj4 string "unknown", and osr's IsSame compares datum names.
 */
import { decodeGeoKeys, type GeoKeys } from "../geo/geokeys.js";
import { proj4Parameter } from "../geo/proj4-definition.js";
import type { Georef } from "../geo/types.js";

const USER_DEFINED = 32767;

/** GDAL's WKT1 names of common datums, by geographic CRS code and by datum code. */
const DATUM_NAMES: Array<[geographic: number, datum: number, name: string]> = [
  [4326, 6326, "WGS_1984"],
  [4322, 6322, "World_Geodetic_System_1972"],
  [4269, 6269, "North_American_Datum_1983"],
  [4267, 6267, "North_American_Datum_1927"],
  [4152, 6152, "NAD83_High_Accuracy_Reference_Network"],
  [4617, 6140, "NAD83_Canadian_Spatial_Reference_System"],
  [4759, 6759, "NAD83_National_Spatial_Reference_System_2007"],
  [6318, 1116, "NAD83_National_Spatial_Reference_System_2011"],
  [4258, 6258, "European_Terrestrial_Reference_System_1989"],
  [4230, 6230, "European_Datum_1950"],
  [4277, 6277, "Ordnance_Survey_of_Great_Britain_1936"],
  [4314, 6314, "Deutsches_Hauptdreiecksnetz"],
  [4171, 6171, "Reseau_Geodesique_Francais_1993_v1"],
  [4283, 6283, "Geocentric_Datum_of_Australia_1994"],
  [7844, 1168, "Geocentric_Datum_of_Australia_2020"],
  [4202, 6202, "Australian_Geodetic_Datum_1966"],
  [4203, 6203, "Australian_Geodetic_Datum_1984"],
  [4167, 6167, "New_Zealand_Geodetic_Datum_2000"],
  [4272, 6272, "New_Zealand_Geodetic_Datum_1949"],
  [4674, 6674, "Sistema_de_Referencia_Geocentrico_para_las_AmericaS_2000"],
  [4190, 6190, "Posiciones_Geodesicas_Argentinas_1998"],
  [4612, 6612, "Japanese_Geodetic_Datum_2000"],
  [6668, 1128, "Japanese_Geodetic_Datum_2011"],
  [4301, 6301, "Tokyo"],
  [4490, 1043, "China_2000"],
  [4148, 6148, "Hartebeesthoek94"],
  [4240, 6240, "Indian_1975"],
];

/** proj4 projections → WKT1 projection name and its parameters, from proj4 parameters (lengths in metres). */
type Parameter = [wkt: string, proj4: string, kind: "angle" | "length" | "scale"];
const PROJECTIONS: Record<string, { name: string; parameters: Parameter[] }> = {
  tmerc: {
    name: "Transverse_Mercator",
    parameters: [
      ["latitude_of_origin", "lat_0", "angle"],
      ["central_meridian", "lon_0", "angle"],
      ["scale_factor", "k_0", "scale"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  aea: {
    name: "Albers_Conic_Equal_Area",
    parameters: [
      ["latitude_of_center", "lat_0", "angle"],
      ["longitude_of_center", "lon_0", "angle"],
      ["standard_parallel_1", "lat_1", "angle"],
      ["standard_parallel_2", "lat_2", "angle"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  lcc: {
    name: "Lambert_Conformal_Conic_2SP",
    parameters: [
      ["latitude_of_origin", "lat_0", "angle"],
      ["central_meridian", "lon_0", "angle"],
      ["standard_parallel_1", "lat_1", "angle"],
      ["standard_parallel_2", "lat_2", "angle"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  laea: {
    name: "Lambert_Azimuthal_Equal_Area",
    parameters: [
      ["latitude_of_center", "lat_0", "angle"],
      ["longitude_of_center", "lon_0", "angle"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  sterea: {
    name: "Oblique_Stereographic",
    parameters: [
      ["latitude_of_origin", "lat_0", "angle"],
      ["central_meridian", "lon_0", "angle"],
      ["scale_factor", "k_0", "scale"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  cass: {
    name: "Cassini_Soldner",
    parameters: [
      ["latitude_of_origin", "lat_0", "angle"],
      ["central_meridian", "lon_0", "angle"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
  eqc: {
    name: "Equirectangular",
    parameters: [
      ["standard_parallel_1", "lat_ts", "angle"],
      ["central_meridian", "lon_0", "angle"],
      ["false_easting", "x_0", "length"],
      ["false_northing", "y_0", "length"],
    ],
  },
};

/**
 * WKT1 of a projected or geographic CRS, or undefined when its projection is not one this module knows (the
 * caller then falls back to the proj4 string).
 *
 * @example
 * ```ts
 * crsWkt(georef); // 'PROJCS["unknown",GEOGCS["NAD83",DATUM["North_American_Datum_1983",…'
 * ```
 */
export function crsWkt(georef: Georef): string | undefined {
  const { crs } = georef;
  const definition = crs.proj4;
  if (!definition || (crs.kind !== "projected" && crs.kind !== "geographic")) return undefined;
  const keys = decodeGeoKeys(georef.tags);
  const geogcs = geographicWkt(keys, georef);
  // GDAL gives a geographic CRS read from GeoKeys latitude-longitude axes (EPSG order) and maps the data's x to
  // longitude; osr's IsSame compares that mapping, so the axes are stated the same way here.
  if (crs.kind === "geographic") {
    return `${geogcs.slice(0, -1)},AXIS["Latitude",NORTH],AXIS["Longitude",EAST]]`;
  }
  const projected = asTransverseMercator(definition);
  const projection = projectionOf(projected);
  if (!projection) return undefined;
  const metres = crs.linearUnit ?? 1;
  const value = (proj4Name: string, kind: Parameter[2]) => {
    const v = Number(proj4Parameter(projected, proj4Name) ?? (kind === "scale" ? 1 : 0));
    return kind === "length" ? v / metres : v;
  };
  const parameters = projection.parameters.map(
    ([name, proj4Name, kind]) => `PARAMETER["${name}",${value(proj4Name, kind)}]`,
  );
  const name = quoted(
    stringKey(keys, "PCSCitationGeoKey") ?? stringKey(keys, "GTCitationGeoKey") ?? "unknown",
  );
  return (
    `PROJCS[${name},${geogcs},PROJECTION["${projection.name}"],${parameters.join(",")},` +
    `${linearUnitWkt(metres)},AXIS["Easting",EAST],AXIS["Northing",NORTH]]`
  );
}

/** `+proj=utm +zone=n [+south]` spelled out as the transverse Mercator it is; other definitions unchanged. */
function asTransverseMercator(definition: string): string {
  if (proj4Parameter(definition, "proj") !== "utm") return definition;
  const zone = Number(proj4Parameter(definition, "zone"));
  const south = /(?:^|\s)\+south(?:\s|$)/.test(definition);
  return `+proj=tmerc +lat_0=0 +lon_0=${zone * 6 - 183} +k_0=0.9996 +x_0=500000 +y_0=${south ? 10000000 : 0}`;
}

/** The proj4 projection as a WKT1 one; UTM as its transverse Mercator parameters; LCC with one parallel as 1SP. */
function projectionOf(definition: string): (typeof PROJECTIONS)[string] | undefined {
  const proj = proj4Parameter(definition, "proj");
  if (proj === "lcc") {
    const lat1 = proj4Parameter(definition, "lat_1");
    const lat2 = proj4Parameter(definition, "lat_2");
    if (lat2 === undefined || Number(lat1) === Number(lat2)) {
      return {
        name: "Lambert_Conformal_Conic_1SP",
        parameters: [
          ["latitude_of_origin", lat1 === undefined ? "lat_0" : "lat_1", "angle"],
          ["central_meridian", "lon_0", "angle"],
          ["scale_factor", "k_0", "scale"],
          ["false_easting", "x_0", "length"],
          ["false_northing", "y_0", "length"],
        ],
      };
    }
  }
  return proj === undefined ? undefined : PROJECTIONS[proj];
}

function geographicWkt(keys: GeoKeys, georef: Georef): string {
  const definition = georef.crs.proj4 ?? "";
  const citation = stringKey(keys, "GeogCitationGeoKey");
  // GDAL's own citations read "GCS Name = …|Datum = …|Ellipsoid = …|Primem = …".
  const part = (label: string) =>
    citation
      ?.split("|")
      .map((s) => /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(s))
      .find((m) => m?.[1] === label)?.[2];
  const geographicCode = codeKey(keys, "GeographicTypeGeoKey");
  const datumCode = codeKey(keys, "GeogGeodeticDatumGeoKey");
  const known = DATUM_NAMES.find(([g, d]) => g === geographicCode || d === datumCode);
  const datum = part("Datum") ?? known?.[2] ?? "unknown";
  const name = part("GCS Name") ?? (citation && !citation.includes("=") ? citation : "unknown");
  const ellipsoid = georef.crs.ellipsoid ?? { a: 6378137, rf: 298.257223563 };
  const a = numberKey(keys, "GeogSemiMajorAxisGeoKey") ?? ellipsoid.a;
  const rf = numberKey(keys, "GeogInvFlatteningGeoKey") ?? ellipsoid.rf;
  const primeMeridian = Number(proj4Parameter(definition, "pm") ?? 0) || 0;
  return (
    `GEOGCS[${quoted(name)},DATUM[${quoted(datum)},SPHEROID[${quoted(part("Ellipsoid") ?? "unknown")},` +
    `${a},${rf}]],PRIMEM[${quoted(part("Primem") ?? (primeMeridian === 0 ? "Greenwich" : "unknown"))},` +
    `${primeMeridian}],UNIT["degree",0.0174532925199433]]`
  );
}

function linearUnitWkt(metres: number): string {
  if (metres === 1) return 'UNIT["metre",1]';
  if (metres === 0.3048) return 'UNIT["foot",0.3048]';
  if (Math.abs(metres - 1200 / 3937) < 1e-15) return 'UNIT["US survey foot",0.304800609601219]';
  return `UNIT["unknown",${metres}]`;
}

function stringKey(keys: GeoKeys, name: string): string | undefined {
  const v = keys[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function numberKey(keys: GeoKeys, name: string): number | undefined {
  const v = keys[name];
  return typeof v === "number" ? v : undefined;
}

/** An EPSG code key; user-defined (32767) counts as none. */
function codeKey(keys: GeoKeys, name: string): number | undefined {
  const v = numberKey(keys, name);
  return v === USER_DEFINED ? undefined : v;
}

/** A WKT string literal (a double quote is written twice). */
function quoted(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
