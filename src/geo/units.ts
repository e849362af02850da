/** Linear and vertical units: EPSG unit codes and unit names to metres. */
import type { Georef } from "./types.js";

export const US_SURVEY_FOOT = 1200 / 3937;

export interface LinearUnit {
  /** Metres per unit. */
  metres: number;
  name: string;
}

const METRE: LinearUnit = { metres: 1, name: "metre" };
const FOOT: LinearUnit = { metres: 0.3048, name: "foot" };
const SURVEY_FOOT: LinearUnit = { metres: US_SURVEY_FOOT, name: "US survey foot" };

/** EPSG linear unit codes used by GeoKeys (ProjLinearUnitsGeoKey, VerticalUnitsGeoKey). */
const LINEAR_UNIT_CODES: Record<number, LinearUnit> = {
  9001: METRE,
  9002: FOOT,
  9003: SURVEY_FOOT,
  9036: { metres: 1000, name: "kilometre" },
};

/**
 * A linear unit from its EPSG code; undefined for codes demgrad does not know (user-defined 32767, …).
 *
 * @example
 * ```ts
 * linearUnitFromCode(9003); // { metres: 0.3048006096012192, name: "US survey foot" }
 * ```
 */
export function linearUnitFromCode(code: number): LinearUnit | undefined {
  return LINEAR_UNIT_CODES[code];
}

/**
 * The known linear unit, exact, of a metres-per-unit factor (proj4 strings round `+to_meter`, hence the
 * tolerance), or an unnamed one.
 *
 * @example
 * ```ts
 * linearUnitFromMetres(0.3048006096); // { metres: 0.3048006096012192, name: "US survey foot" }
 * ```
 */
export function linearUnitFromMetres(metres: number): LinearUnit {
  const known = Object.values(LINEAR_UNIT_CODES).find((u) => Math.abs(u.metres - metres) <= 1e-9 * u.metres);
  return known ? { ...known } : { metres, name: `unit of ${metres} m` };
}

/** Unit names after normalisation (lower case, `_` and `-` as spaces, single spaces). */
const UNIT_NAMES: Array<[RegExp, LinearUnit]> = [
  [/^(m|metres?|meters?)$/, METRE],
  [/^(us ft|ft us|ftus|foot us|us foot|us feet|(us )?survey (foot|feet|ft))$/, SURVEY_FOOT],
  [/^(ft|foot|feet|foot \(international\)|international (foot|feet)|intl (foot|ft))$/, FOOT],
  [/^(cm|centimetres?|centimeters?)$/, { metres: 0.01, name: "centimetre" }],
  [/^(mm|millimetres?|millimeters?)$/, { metres: 0.001, name: "millimetre" }],
];

/**
 * A linear unit from its name as GDAL band units and the CLI spell it (`m`, `metre`, `ft`, `feet`, `us-ft`,
 * `Foot_US`, `US survey foot`, `foot (International)`, …); undefined when the name is unknown.
 *
 * @example
 * ```ts
 * unitFromName("Foot_US"); // { metres: 0.3048006096012192, name: "US survey foot" }
 * unitFromName("furlong"); // undefined
 * ```
 */
export function unitFromName(name: string): LinearUnit | undefined {
  const normalised = name.trim().toLowerCase().replace(/[_-]/g, " ").replace(/\s+/g, " ");
  for (const [pattern, unit] of UNIT_NAMES) if (pattern.test(normalised)) return unit;
  return undefined;
}

/**
 * The one warning line for an elevation unit that was assumed from the CRS, or undefined when the unit was tagged,
 * given by `--vertical-unit` (`overridden`), or is the metre.
 */
export function assumedVerticalUnitWarning(
  unit: Georef["verticalUnit"],
  overridden: boolean,
): string | undefined {
  if (overridden || unit.source !== "crs-linear-unit") return undefined;
  return (
    `no vertical unit is tagged: elevations are taken in the CRS's linear unit, ${unit.name} ` +
    "(as GDAL ≥ 3.11 does; use --vertical-unit to say otherwise)"
  );
}
