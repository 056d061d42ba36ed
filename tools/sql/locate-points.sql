-- locate-points.sql - which parcel holds each point, in PostgreSQL + PostGIS
-- (issue 11): the path for registers of tens of millions of rows, and the
-- same SQL on Citus (see README "Beyond one machine").
--
-- Input, in the current database:
--   parcels  as written by `parkgis export --layout parcels -f pg -o PG:...`
--            (geom geometry(MultiPolygon,4490) with a GiST index; fid in layer order)
--   points   (id text, lon double precision, lat double precision), e.g. loaded with
--            \copy points (id, lon, lat) FROM 'points.csv' CSV HEADER
--            lon/lat in CGCS2000 / WGS84 degrees (parkgis's --datum wgs84).
-- Output: table point_parcel (id, parcel_id), one row per point; parcel_id is NULL
-- outside every parcel. The answer is `parkgis locate --batch --columns parcel_id`'s:
-- ST_Covers (a point on an edge is inside), and where parcels overlap the first in
-- layer order (lowest fid). tests/integration/postgis-locate.sh checks it row for row.
--
-- The form below - a join and DISTINCT ON the point id - is the one Citus runs in
-- parallel when points is distributed by id and parcels is a reference table (every
-- worker holds all parcels, each shard of points is joined where it lives). On Citus
-- write the answer into a table distributed the same way (not tested here: Citus is
-- not a Debian 12 package):
--   SELECT create_reference_table('parcels');
--   SELECT create_distributed_table('points', 'id');
--   CREATE TABLE point_parcel (id text, parcel_id text);
--   SELECT create_distributed_table('point_parcel', 'id', colocate_with => 'points');
--   INSERT INTO point_parcel <the SELECT below>;

CREATE INDEX IF NOT EXISTS parcels_geom_gist ON parcels USING gist (geom);
ANALYZE parcels;
ANALYZE points;

DROP TABLE IF EXISTS point_parcel;
CREATE TABLE point_parcel AS
SELECT DISTINCT ON (p.id) p.id, c.id AS parcel_id
FROM points p
LEFT JOIN parcels c ON ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490))
ORDER BY p.id, c.fid;
