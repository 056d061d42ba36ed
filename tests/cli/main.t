# The command itself: versions of the linked libraries, usage, global options.

# --version names every library with its version (GEOS/PROJ/GDAL asked at run
# time; shapelib has no run-time call, so the version the build found)
$ parkgis --version
~ parkgis 0.1.0
~ GEOS 3.
~ PROJ Rel. 9.
~ GDAL 3.
~ shapelib 1.

# --help lists the commands and the exit codes
$ parkgis --help
~ usage: parkgis [GLOBAL OPTIONS] COMMAND [ARGS]   (global options may also follow COMMAND)
~   --field CANON=SRC  read parkgis field CANON from field SRC of every layer read, e.g.
~   area       official, geodesic and planar area per parcel, with totals
~ exit codes: 0 ok, 1 check failed, 2 usage error, 3 bad input, 4 cannot write output,

# no command, an unknown command, an unknown global option: usage error, exit 2
$ parkgis </dev/null
! usage: parkgis
? 2

$ parkgis areas
! parkgis: unknown command 'areas'
| 
? 2

$ parkgis --bogus area
! unknown or incomplete global option '--bogus'
| 
? 2

$ parkgis --data
! parkgis: --data needs a value
? 2

# global options are global: after the command name too, "--opt V" or "--opt=V" (issue 13)
$ parkgis area --data=layer/square-4549.geojson --format csv
| id,name,official_km2,geodesic_km2,planar_km2(EPSG:4549),deviation_pct
| sq,一平方公里,1.00,1.000,1.000,-0.0
| TOTAL,表内合计 (table sum),1.00,1.000,1.000,
| TOTAL,规划总面积 (stated),30.63,1.000,1.000,-96.7

# --format names what parkgis prints; a file format given to it is an error, not a silent GeoJSON folder
$ parkgis export --layout parcels --format gpkg -o /nonexistent/x.gpkg
! parkgis export: --format 'gpkg': --format is what parkgis prints (table, json or csv); the file format is -f/--driver gpkg
? 2

$ parkgis export --layout parcels -f geojson -o /nonexistent/x.gpkg
! -o /nonexistent/x.gpkg: the name ends in .gpkg but the format is geojson (-f/--driver); give a matching name or driver
? 2
