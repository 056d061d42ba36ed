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
~ usage: parkgis [--data PATH] [--format table|json|csv] COMMAND [ARGS]
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
! unknown or incomplete global option '--data'
? 2
