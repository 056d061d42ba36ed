# provenance: each boundary edge of a compiled parcel with its feature, source, evidence and error
# (the bundled layer and gazetteer; figures move with them, so only stable facts are checked)

# 泗塘河 is not an OSM name: the feature is OSM's 北泗塘, chosen from 北/西/南泗塘 by geometry
$ parkgis provenance fudan-hitech --format csv
~ parcel,side,item,feature,provenance,source,evidence,length_m,error_m,class,error_basis
~ fudan-hitech,西,泗塘河,泗塘河,osm,osm-extract,1,
~ measured: the OSM water areas along the line are

# walls from OSM outlines say their error is unverified
$ parkgis provenance 文化产业示范基地 --format csv
~ culture-industry,西,上大围墙,上大围墙,osm,osm-extract,1,
~ unverified: the part of the OSM outline

# a bridged gap is an edge of its own, with no feature
$ parkgis provenance biomed-south --format csv
~ biomed-south,西,(gap after 荻泾河),-,approximate,gap,-,

# the summary: share on osm/anchored and on features with a measured error <= 100 m, and the total
$ parkgis provenance
~ measured_le_100m_pct
~ TOTAL

$ parkgis provenance nanda --format json
~ {"parcels":[{"id":"nanda","name":"南大地区","edges":[{"side":

# unknown parcel
$ parkgis provenance no-such-parcel
! no parcel 'no-such-parcel'
? 5

# a layer not made by parkgis compile has no pieces to show
$ parkgis --data square-1km.geojson provenance sq
! has no compiled provenance
? 6

$ parkgis provenance a b
! unexpected argument 'b'
? 2
