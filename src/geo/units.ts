/** Linear and vertical units: names and EPSG unit codes to metres. */

export const US_SURVEY_FOOT = 1200 / 3937;

/** EPSG linear unit codes used by GeoKeys (ProjLinearUnitsGeoKey, VerticalUnitsGeoKey). */
const LINEAR_UNIT_CODES: Record<number, { metres: number; name: string }> = {
  9001: { metres: 1, name: "metre" },
  9002: { metres: 0.3048, name: "foot" },
  9003: { metres: US_SURVEY_FOOT, name: "US survey foot" },
  9036: { metres: 1000, name: "kilometre" },
};

export function linearUnitFromCode(code: number): { metres: number; name: string } | undefined {
  return LINEAR_UNIT_CODES[code];
}

const UNIT_NAMES: Array<[RegExp, { metres: number; name: string }]> = [
  [/^(m|metre|meter|metres|meters)$/i, { metres: 1, name: "metre" }],
  [
    /^(us-ft|us_ft|foot_us|us survey foot|us survey feet|survey foot|ftus)$/i,
    { metres: US_SURVEY_FOOT, name: "US survey foot" },
  ],
  [/^(ft|foot|feet|foot \(international\)|international foot|intl foot)$/i, { metres: 0.3048, name: "foot" }],
  [/^(cm|centimetre|centimeter)$/i, { metres: 0.01, name: "centimetre" }],
  [/^(mm|millimetre|millimeter)$/i, { metres: 0.001, name: "millimetre" }],
];

/**
 * A vertical (or linear) unit from its name as GDAL band units and the CLI spell it (`m`, `ft`, `us-ft`,
 * `US survey foot`, …); undefined when the name is unknown.
 *
 * @example
 * ```ts
 * verticalUnitFromName("ft"); // { metres: 0.3048, name: "foot" }
 * ```
 */
export function unitFromName(name: string): { metres: number; name: string } | undefined {
  const trimmed = name.trim();
  for (const [pattern, unit] of UNIT_NAMES) if (pattern.test(trimmed)) return unit;
  return undefined;
}
