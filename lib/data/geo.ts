/**
 * Distances and azimuths between an earthquake and a station on a spherical Earth (radius 6371 km),
 * enough at the tens of kilometres of the Norcia network.
 */

/** Mean Earth radius, km. */
export const EARTH_RADIUS_KM = 6371.0;

const RAD = Math.PI / 180;

/** Great-circle (epicentral) distance in km between two points given in degrees (haversine formula). */
export function epicentralDistanceKm(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): number {
  const dLat = (lat2Deg - lat1Deg) * RAD;
  const dLon = (lon2Deg - lon1Deg) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1Deg * RAD) * Math.cos(lat2Deg * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Hypocentral distance in km from a source (degrees, depth below sea level in km) to a station (degrees,
 * elevation above sea level in m): the straight line through the epicentral distance and the vertical
 * offset depth + elevation. NaN when any input is missing (NaN).
 */
export function hypocentralDistanceKm(
  sourceLatDeg: number,
  sourceLonDeg: number,
  sourceDepthKm: number,
  stationLatDeg: number,
  stationLonDeg: number,
  stationElevationM: number,
): number {
  const epi = epicentralDistanceKm(sourceLatDeg, sourceLonDeg, stationLatDeg, stationLonDeg);
  const dz = sourceDepthKm + stationElevationM / 1000;
  return Math.sqrt(epi * epi + dz * dz);
}

/** Azimuth in degrees clockwise from north of point 2 seen from point 1 (initial great-circle bearing). */
export function azimuthDeg(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): number {
  const p1 = lat1Deg * RAD;
  const p2 = lat2Deg * RAD;
  const dLon = (lon2Deg - lon1Deg) * RAD;
  const y = Math.sin(dLon) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dLon);
  return ((Math.atan2(y, x) / RAD) + 360) % 360;
}

/** Moves a point by `northKm` and `eastKm` (flat-Earth offsets, fine over tens of km); degrees out. */
export function offsetDeg(latDeg: number, lonDeg: number, northKm: number, eastKm: number): { latitudeDeg: number; longitudeDeg: number } {
  const latitudeDeg = latDeg + northKm / (EARTH_RADIUS_KM * RAD);
  const longitudeDeg = lonDeg + eastKm / (EARTH_RADIUS_KM * RAD * Math.cos(latDeg * RAD));
  return { latitudeDeg, longitudeDeg };
}
