# locate --batch: the CSV reader's edges and --columns (issue 11; src/util/csv.c, cli/cmd_locate_batch.c)

# a stray quote costs its own line only: reading resumes on the next line, and it is counted
$ printf 'id,lon,lat\n1,121.405,31.405\n2,"121.5,31.5\n3,121.405,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id
| id,lon,lat,parcel_id,error
| 1,121.405,31.405,robot,
| 2,"121.5,31.5",,,"line 3: a quoted field is not closed on its line, nor within the next 1000 lines (expected a closing ""); read as ending with the line"
| 3,121.405,31.405,robot,
! 3 rows, 2 located (2 inside a parcel), 0 not found, 1 bad, 1 of them with an unclosed quote

# a quoted field over two lines is one field; the line numbers after it stay right
$ printf 'id,lon,lat\n"a\nb",121.405,31.405\n3,x,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id
| id,lon,lat,parcel_id,error
| "a
| b",121.405,31.405,robot,
| 3,x,31.405,,"line 4: lon 'x' is not a number (expected decimal degrees, e.g. 121.38)"

# an embedded NUL byte is a bad row (not a silently shortened field); the echo shows it as U+FFFD
$ printf 'id,lon,lat\n1,121.4\000,31.405\n2,121.405,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id
| id,lon,lat,parcel_id,error
| 1,121.4�,31.405,,"line 2: a NUL byte in the record, written out as U+FFFD (expected text; a binary or UTF-16 file?)"
| 2,121.405,31.405,robot,
! 2 rows, 1 located (1 inside a parcel), 0 not found, 1 bad

# a directory is named as one
$ parkgis --data address/parcels.geojson locate --batch . --lon-column lon --lat-column lat
! .: is a directory (expected a CSV file, or - for stdin)
? 3

# a read error is an error, not the end of the input
$ parkgis --data address/parcels.geojson locate --batch /proc/self/mem --lon-column lon --lat-column lat
! /proc/self/mem: read error: Input/output error
? 3

# a file of blank lines has no header
$ printf '\n\n\r\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat
! only blank lines (3; expected a header row naming the columns
? 3

# blank lines before the header are skipped, line numbers still count them
$ printf '\n\nid,lon,lat\n1,121.405,31.405\n2,y,31.4\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id
| id,lon,lat,parcel_id,error
| 1,121.405,31.405,robot,
| 2,y,31.4,,"line 5: lon 'y' is not a number (expected decimal degrees, e.g. 121.38)"

# --columns: only what is asked, in that order; lon/lat echo the input's own text (exact round trip)
$ printf 'id,lon,lat\n1,121.405,31.405\n2,121.5,31.5\n3,1.214050e2,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns lon,lat,parcel_id,parcel,inside,match,distance_m,nearest
| id,lon,lat,lon,lat,parcel_id,parcel,inside,match,distance_m,nearest,error
| 1,121.405,31.405,121.405,31.405,robot,机器人产业园,yes,exact,475.49,robot,
| 2,121.5,31.5,121.5,31.5,,,no,exact,11268.97,ecommerce-north,
| 3,1.214050e2,31.405,1.214050e2,31.405,robot,机器人产业园,yes,exact,475.49,robot,

# the answers with --columns parcel_id (grid kernel) are those of the full resolution
$ printf 'id,lon,lat\n1,121.405,31.405\n2,121.5,31.5\n3,121.40,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id,confidence,candidates
| id,lon,lat,parcel_id,confidence,candidates,error
| 1,121.405,31.405,robot,1.00,robot:1.00,
| 2,121.5,31.5,,1.00,outside:1.00,
| 3,121.40,31.405,robot,0.50,outside:0.50;robot:0.50,

# another datum: lon/lat are the WGS84 point answered
$ printf 'id,lon,lat\n1,121.4116304,31.4029709\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --datum gcj02 --columns lon,lat,parcel_id
| id,lon,lat,lon,lat,parcel_id,error
| 1,121.4116304,31.4029709,121.4069643,31.4047418,robot,

# an unknown column: usage error naming the known ones
$ printf 'id,lon,lat\n1,121.405,31.405\n' | parkgis --data address/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id,nope
! --columns: unknown column 'nope' (expected some of: parcel_id, parcel, layout, inside, match, confidence, candidates, distance_m, nearest, lon, lat, error_m, point_from, note, error)
? 2

# --columns help lists them with what each costs
$ parkgis locate --batch - --columns help
~ distance_m,distance,
~ parcel_id,point-in-parcel,

# --threads: the same output byte for byte (bad rows, CRLF, blank lines, and a quoted block from which one reader goes on)
$ f=$(mktemp); { printf 'id,lon,lat\r\n'; for i in $(seq 3000); do printf '%d,121.%d,31.4%d\r\n' $i $((i % 10)) $((i % 7)); [ $((i % 500)) = 0 ] && printf '\r\nbad,x,1\r\n'; done; printf 'q,"121.4",31.4\n"a\nb",121.405,31.405\n'; for i in $(seq 10); do printf '%d,121.40%d,31.405\n' $i $i; done; } > $f; parkgis --data address/parcels.geojson locate --batch $f --lon-column lon --lat-column lat --columns parcel_id,distance_m > $f.1 2>/dev/null; parkgis --data address/parcels.geojson locate --batch $f --lon-column lon --lat-column lat --columns parcel_id,distance_m --threads 3 > $f.3; cmp $f.1 $f.3 && wc -l < $f.3; rm -f $f $f.1 $f.3
| 3020
! 3018 rows, 3012 located

# --threads with addresses: each thread resolves with its own resolver, the output is that of one thread byte for
# byte (blocks of 16 KiB: this file of 45 KiB is three; GB18030 rows are converted by each thread's own iconv; a quoted block
# at the end goes on in one reader)
$ f=$(mktemp); { printf 'id,address\n'; for i in $(seq 3000); do case $((i % 6)) in 0) printf '%d,甲路%d号\n' $i $i ;; 1) printf '%d,甲路丁路口\n' $i ;; 2) printf '%d,联二路\n' $i ;; 3) printf '%d,' $i; printf '\xbc\xd7\xc2\xb7\n' ;; 4) printf '%d,机器人产业园\n' $i ;; 5) printf '%d,asdf%d\n' $i $i ;; esac; done; printf '"q",甲路1号\n1,乙路5号\n'; } > $f; parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch $f > $f.1 2>/dev/null; parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch $f --threads 3 > $f.3; cmp $f.1 $f.3 && wc -l < $f.3; grep -c GB18030 $f.3; rm -f $f $f.1 $f.3
| 3003
| 500
! 3002 rows

$ parkgis locate --batch - --lon-column lon --lat-column lat --threads 0
! --threads '0' (expected a whole number 1..64)
? 2

# the batch's confidence uses the same per-edge error as `locate LON LAT` (locate.t, issue 10):
# 机器人产业园 by 宝安公路 (±22 m) 0.99, not 0.52; outside 文化产业示范基地 by a ±200 m piece 0.75, not 0.88
$ printf 'id,lon,lat\n1,121.41928,31.37201\n2,121.4057731,31.304311\n' | parkgis locate --batch - --lon-column lon --lat-column lat --columns parcel_id,confidence,candidates
| id,lon,lat,parcel_id,confidence,candidates,error
| 1,121.41928,31.37201,robot-park,0.99,robot-park:0.99;outside:0.01,
| 2,121.4057731,31.304311,,0.75,outside:0.75;culture-industry:0.25,

# coordinates within rounding of an edge keep the parcel the parcel-only answer gives when the
# confidence columns are asked for too (2 of 10 M random points in the shipped parcels' envelope
# moved across the edge in the metric round trip; bench/batch.sh --10m counted them)
$ printf 'id,lon,lat\n3110403,121.3914921,31.4520000\n8708609,121.4175000,31.3033308\n' | parkgis --data ../../geodata/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id,confidence,candidates
| id,lon,lat,parcel_id,confidence,candidates,error
| 3110403,121.3914921,31.4520000,baoshan-industrial,0.50,baoshan-industrial:0.50;outside:0.50,
| 8708609,121.4175000,31.3033308,culture-industry,0.50,culture-industry:0.50;outside:0.50,
! 2 rows, 2 located (2 inside a parcel), 0 not found, 0 bad
$ printf 'id,lon,lat\n3110403,121.3914921,31.4520000\n8708609,121.4175000,31.3033308\n' | parkgis --data ../../geodata/parcels.geojson locate --batch - --lon-column lon --lat-column lat --columns parcel_id
| id,lon,lat,parcel_id,error
| 3110403,121.3914921,31.4520000,baoshan-industrial,
| 8708609,121.4175000,31.3033308,culture-industry,
