# ---- parkgis parse: what the rule-based parser understood (no lookup)
# the issue's example
$ parkgis parse --format json "上海市宝山区富联一路98弄6号"
| {"input":"上海市宝山区富联一路98弄6号","normalized":"上海市宝山区富联一路98弄6号","kind":"road","province":"上海市","city":"","district":"宝山区","town":"","road":"富联一路","road2":"","relation":"","lane":"98","sublane":"","number":"6","park":"","park_text":"","station":"","rest":"","coordinates":null,"swapped":false,"in_shanghai":true,"in_baoshan":true}

# full-width digits and spaces, district and town without 区/镇
$ parkgis parse --format csv "上海 宝山 顾村 富联一路 ９８弄 ６号"
| field,value
| input,上海 宝山 顾村 富联一路 ９８弄 ６号
| normalized,上海宝山顾村富联一路98弄6号
| kind,road
| province,上海市
| district,宝山区
| town,顾村镇
| road,富联一路
| lane,98
| number,6
| in_shanghai,yes
| in_baoshan,yes

# an intersection
$ parkgis parse "富联一路与富长路交叉口"
~ intersection
~ road2        富长路
~ relation     crossing

# empty input: usage error, exit 2
$ parkgis parse ""
! empty address
? 2

# garbage: usage error naming the expected form
$ parkgis parse "asdf"
! cannot read an address in 'asdf'
! expected e.g. 上海市宝山区富联一路98弄6号
? 2

# ---- parkgis locate ADDRESS, on the synthetic map in tests/data/address (see cases.tsv there)
# a road wholly inside one parcel
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "上海市宝山区甲路1号" --format json
| {"input":"上海市宝山区甲路1号","match":"road","confidence":0.9,"inside":true,"parcel":{"id":"robot","name":"机器人产业园"},"layout":"","candidates":[{"id":"robot","name":"机器人产业园","role":"inside","share":1,"length_m":571}],"wgs84":null,"error_m":null,"point_from":null,"distance_m":null,"nearest":null,"roads":[{"name":"甲路","kind":"road","provenance":"osm","error_m":5}],"suggestions":[],"note":"the whole of 甲路 (571 m, osm) lies within 机器人产业园","parsed":{"kind":"road","province":"上海市","district":"宝山区","road":"甲路","number":"1"}}

# a boundary road: both sides named, the number cannot decide
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "乙路5号" --format csv
| address,parcel_id,parcel,layout,match,confidence,candidates,wgs84,note
| 乙路5号,,,,boundary,0.45,robot:0.50;baoshan-industrial:0.50,,"887 m of 乙路 (887 m, osm) runs along parcel edges (within 30 m), so the side is unknown; along edges it borders 机器人产业园, 宝山工业园区; share of its length: 50% 机器人产业园, 50% 宝山工业园区; house-number ranges are not known for 乙路, so 5号 cannot tell which part of it"

# an intersection: the crossing point of the centrelines
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "甲路丁路口"
~ match            intersection
~ point (WGS84)    121.405000,31.405000
~ 机器人产业园 (robot)

# an unknown road: not found, exit 5, the closest names by edit distance
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "联二路"
~ closest names  新二路, 联一路, 联杨路, 联谊路, 联长路
! 联二路 is not in the gazetteer
? 5

# an unknown road with no similar name: no list of unrelated names that only share 路
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "宇宙路"
! 宇宙路 is not in the gazetteer (206 named features); no name in it is close
? 5

# another district: not in the park, whatever the road
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "上海市徐汇区漕溪北路88号"
~ match       outside
~ the address is in 徐汇区, not in 宝山区

# coordinates from a Chinese web map: --datum gcj02 converts before the lookup
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "121.41,31.40" --datum gcj02 --format json
~ "match":"exact"
~ "wgs84":[121.4053339,31.4017714]

# an unknown datum
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "121.41,31.40" --datum mars
! unknown datum 'mars'
? 2

# garbage is a usage error before any data is loaded
$ parkgis --data no-such-layer.geojson locate "asdf"
! cannot read an address in 'asdf'
? 2

# a named gazetteer directory that does not exist
$ parkgis --data address/parcels.geojson locate --gazetteer=no-such-dir "甲路"
! no-such-dir: cannot open gazetteer directory
? 3

# ---- batch: CSV in (BOM, CRLF, quoted commas, doubled quotes, a newline in a field, bad rows), CSV out
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch address/batch.csv --address-column address --columns parcel_id,parcel,layout,match,confidence,candidates,error
| id,address,note,parcel_id,parcel,layout,match,confidence,candidates,error
| 1,甲路1号,inside,robot,机器人产业园,,road,0.90,robot:1.00,
| 2,乙路5号,"on the edge, shared",,,,boundary,0.45,robot:0.50;baoshan-industrial:0.50,
| 3,"丙路""100弄""3号",quoted quotes,,,,ambiguous,0.47,robot:0.52;baoshan-industrial:0.48,
| 4,联二路,misspelt,,,,not_found,0.00,,"联二路 is not in the gazetteer (206 named features); closest names: 新二路, 联一路, 联杨路, 联谊路, 联长路"
| 5,徐汇区漕溪北路88号,"two
| lines",,,,outside,0.95,outside:1.00,
| 6,,empty address,,,,,,,"line 8: empty address (expected e.g. 上海市宝山区富联一路98弄6号, a park name, or LON,LAT)"
| 7,asdf,garbage,,,,,,,"line 9: cannot read an address in 'asdf': no Chinese place words and not a coordinate pair (expected e.g. 上海市宝山区富联一路98弄6号, 富联一路富长路口, 机器人产业园, or LON,LAT)"
| 8,only two fields,,,,,,,,"line 10: 2 fields, the header has 3 (expected one value per column; quote values containing commas)"
| 9,机器人产业园,park,robot,机器人产业园,,park,0.95,robot:1.00,
! 9 rows, 5 located (4 inside a parcel), 1 not found, 3 bad

# batch from stdin with coordinate columns; a bad coordinate is counted, the run goes on
$ printf 'name,lon,lat\nA,121.405,31.405\nB,x,31.4\nC,121.5,31.5\nD,0x79,31.4\nE,121.4,\nF,121.4,nan\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - --lon-column lon --lat-column lat --columns parcel_id,parcel,layout,match,confidence,candidates,error
| name,lon,lat,parcel_id,parcel,layout,match,confidence,candidates,error
| A,121.405,31.405,robot,机器人产业园,,exact,1.00,robot:1.00,
| B,x,31.4,,,,,,,"line 3: lon 'x' is not a number (expected decimal degrees, e.g. 121.38)"
| C,121.5,31.5,,,,exact,1.00,outside:1.00,
| D,0x79,31.4,,,,,,,"line 5: lon '0x79' is hexadecimal (expected decimal degrees, e.g. 121.38)"
| E,121.4,,,,,,,,"line 6: lat '' is empty (expected decimal degrees, e.g. 31.35)"
| F,121.4,nan,,,,,,,"line 7: lat 'nan' is not a finite number (expected decimal degrees, e.g. 31.35)"
! 6 rows, 2 located (1 inside a parcel), 0 not found, 4 bad

# "LON,LAT" as an address: plain decimal only, like the command line
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer "0x79,31.4"
! '0x79,31.4': coordinate '0x79' is hexadecimal (expected LON,LAT in decimal degrees, e.g. 121.38,31.35)
? 2

# no progress line when stderr is not a terminal (it is a file here)
$ printf 'address\n甲路\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - 2>&1 >/dev/null | grep -c 'rows/s'
| 0
? 1

# streaming: each answer is written before the next row is waited for (the input pipe stays open here)
$ coproc P { parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - --columns parcel_id,parcel,layout,match,confidence,candidates,error 2>/dev/null; }; printf 'address\n甲路\n' >&"${P[1]}"; read -t 20 -r h <&"${P[0]}"; read -t 20 -r l <&"${P[0]}"; echo "$l"; eval "exec ${P[1]}>&-"; wait
| 甲路,robot,机器人产业园,,road,0.90,robot:1.00,

# a progress line when stderr is a terminal (script gives it one): the first answer is awaited (the
# resolver is loaded), then 130 rows arrive over at least 1.3 s, each after the answer to the one before
$ SHELL=/bin/bash script -qec 'coproc P { parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch -; }; printf "address\n甲路\n" >&"${P[1]}"; read -t 60 -r h <&"${P[0]}"; read -t 60 -r l <&"${P[0]}"; for i in $(seq 130); do echo 甲路 >&"${P[1]}"; read -t 60 -r l <&"${P[0]}"; sleep 0.01; done; eval "exec ${P[1]}>&-"; wait' /dev/null | grep -q 'rows/s' && echo progress
| progress

# the default columns (issue 10): the estimated point, its error and the note in the row
$ printf 'address\n甲路丁路口\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch -
| address,parcel_id,parcel,layout,match,confidence,candidates,lon,lat,error_m,note,error
| 甲路丁路口,robot,机器人产业园,,intersection,1.00,robot:1.00,121.4050000,31.4050000,7,"甲路 crosses 丁路: the point (121.405000, 31.405000 WGS84) is inside 机器人产业园, 475 m from its boundary; probability 1.00 that it is in 机器人产业园: the point's ±7 m and the parcel edge's ±30 m (edge error not stated: assumed, unverified) (Gaussian, mass on each side of the nearest edge)",

# a spreadsheet saved by Excel on Chinese Windows (GB18030, header 地址 too): detected, converted, said in the note; --bom for Excel
$ printf '\xb5\xd8\xd6\xb7\n\xbc\xd7\xc2\xb7\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - --bom --columns parcel_id,note | od -c | head -1
| 0000000 357 273 277 345 234 260 345 235 200   ,   p   a   r   c   e   l

# the same with --encoding GB18030, and the note
$ printf '\xb5\xd8\xd6\xb7\n\xbc\xd7\xc2\xb7\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - --encoding GB18030 --columns parcel_id,note
| 地址,parcel_id,note,error
| 甲路,robot,"the whole of 甲路 (571 m, osm) lies within 机器人产业园 (the row was read as GB18030: it is not UTF-8)",

# --encoding UTF-8 refuses GBK text, naming the fix
$ printf 'address\n\xbc\xd7\xc2\xb7\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - --encoding UTF-8 --columns parcel_id
~ --encoding GB18030
! 1 rows, 0 located

# an unknown --encoding is a usage error
$ parkgis locate --batch - --encoding latin9
! unknown --encoding 'latin9'
? 2

# which column? more than one and none named address/地址
$ printf 'a,b\n1,2\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch -
! which column holds the addresses?
! (columns: a b)
? 2

# a batch file that does not exist
$ parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch no-such.csv
! no-such.csv: cannot open the batch file
? 3

# an unterminated quote: that row (its line) is bad, the output stays valid CSV
$ printf 'address\n"甲路\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch -
| address,parcel_id,parcel,layout,match,confidence,candidates,lon,lat,error_m,note,error
| 甲路,,,,,,,,,,,"line 2: a quoted field is not closed on its line, nor within the next 1000 lines (expected a closing ""); read as ending with the line"
! 1 rows, 0 located (0 inside a parcel), 0 not found, 1 bad, 1 of them with an unclosed quote

# not UTF-8 (a GBK export): the row is read as GB18030 (富联), the note says so, and it goes on
$ printf 'address\n\xb8\xbb\xc1\xaa\n甲路\n' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch - | tail -2
~ 富联,,,,,,,,,,(the row was read as GB18030: it is not UTF-8),"line 2: cannot read an address in '富联'
~ 甲路,robot,机器人产业园,,road,0.90,robot:1.00,

# an empty file has no header: bad input, exit 3
$ printf '' | parkgis --data address/parcels.geojson locate --gazetteer=address/gazetteer --batch -
! empty file (expected a header row naming the columns)
? 3
